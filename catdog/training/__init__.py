"""How a run trains, from its `TrainConfig` to a finished run folder.

    plan         the route phase 1 takes, and why, decided before anything loads (`plan_training`)
    train        the two phases: the head on a frozen backbone, then optional fine-tuning
    streaming    photos through the whole network each epoch; in slices where jobs take turns
    turns        the job-and-save-point model: slices, turns, `SavePoint`, who waits
    context      `Training`: what one run's phases share
    estimate     a job's time on this server before Start, and a faster equivalent
    head         training the head on cached features (optimiser, schedule, loss, views)
    features     the on-disk cache of backbone features, and extraction (TensorFlow Lite on a CPU)
    multiworker  one job across machines (MultiWorkerMirroredStrategy)
    reporter     `Reporter`: status.json heartbeats, per-batch progress, history, cancel
    timing       where a run's time goes (`Stopwatch`)

A job runs these in the trainer process (`catdog.jobs`), never in the web server.
"""

__all__ = ["context", "estimate", "features", "head", "multiworker", "plan", "reporter", "streaming", "timing",
           "train", "turns"]
