"""A class on one server: its datasets, and the challenge between its students.

    datasets     the datasets under the data root, who owns each, quotas, deleting one
    archive      importing a dataset from a zip, checked before anything is written
    collect      a dataset made in the browser: classes, uploads and webcam shots (a draft)
    publish      a draft published as a dataset, every class split for validation
    leaderboard  the teacher's test set, every finished run scored on it, the ranking
    people       who a browser or a login is: names, the teacher's code, its time limit
    rules        the class's rules the teacher sets: a job's minutes on the trainer

Who may change what is `catdog.access`; the limits are `catdog.settings.Limits`.
"""

__all__ = ["archive", "collect", "datasets", "leaderboard", "people", "publish", "rules"]
