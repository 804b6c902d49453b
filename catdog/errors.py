"""The one exception type the core raises for problems a user can fix, and its messages.

Every message lives in `MESSAGES` under a key, as three `str.format` templates: what
happened, what was expected, how to fix it (Keras's API guidelines). A `CatdogError`
carries the key and its parameters, so the web app can show the same message in the
student's language (`webui/error_text.py` holds the Portuguese); the core and the CLI
use the English rendered here.
"""

from __future__ import annotations

import string

from catdog.language import choose_form

# key: (what, expected, fix); "" where a part is absent. Parameters are plain values
# (str, int, float): lists are joined by the caller, e.g. names=", ".join(names).
MESSAGES: dict[str, tuple[str, str, str]] = {
    # config.py, settings.py
    "backbone_not_on_server": (
        "The {backbone} backbone is not available on this shared server.",
        "one of {allowed}",
        "pick a smaller backbone; the large ones need more memory than this server has.",
    ),
    "backbone_not_available": (
        "The {backbone} backbone is not available on catdog.",
        "one of {allowed}",
        "pick a smaller backbone; the large ones need more memory than this server has.",
    ),
    "over_server_limit": ("{name} = {value} is more than this shared server allows.", "at most {limit}", ""),
    "over_limit": ("{name} = {value} is more than catdog allows.", "at most {limit}", ""),
    "unknown_settings": ({"one": "Unknown training setting: {names}.", "other": "Unknown training settings: {names}."},
                         "only {known}", "remove or rename those keys."),
    "not_a_number": ("{name} must be a number, got {value!r}.", "{low} to {high}", ""),
    "out_of_range": (
        "{name} = {value} is out of range.",
        "{low} to {high}",
        "choose a {name} between {low} and {high}.",
    ),
    "unknown_pooling": ("Unknown pooling {pooling!r}.", "one of {allowed}", ""),
    "unknown_strategy": (
        "Unknown strategy {strategy!r}.",
        "one of {allowed}",
        "use multiworker only with TF_CONFIG set on every machine (see the README).",
    ),
    "unknown_weights": (
        "Unknown weights {weights!r}.",
        "one of {allowed}",
        'use "imagenet" for transfer learning or "none" for random initial weights.',
    ),
    # network/backbones.py, network/weights.py
    "unknown_backbone": (
        "Unknown backbone {name!r}.",
        "one of {allowed}",
        "pick a name from that list (e.g. --backbone mobilenet_v1_025).",
    ),
    # data/augment.py
    "unknown_augment_preset": ("Unknown augmentation preset {name!r}.", "one of {allowed}", ""),
    "unknown_augment_setting": (
        "Unknown augmentation setting {name!r}.",
        "one of {allowed}",
        'write settings as name=value, e.g. "light,rotation=15".',
    ),
    "augment_out_of_range": (
        "The augmentation setting {name} cannot be {value!r}.",
        "from {low} to {high}",
        'choose a value in that range, e.g. "rotation=15".',
    ),
    "bad_augment_value": (
        "The augmentation setting {name} cannot be {value!r}.",
        "a number, or true/false for a switch",
        'write it as name=value, e.g. "rotation=15" or "horizontal_flip=true".',
    ),
    # data/folders.py
    "dataset_missing": (
        "Dataset folder {path} does not exist.",
        "",
        ("pass an existing folder, or put datasets under {root} "
         "(`python -m catdog data download` fetches the sample)."),
    ),
    "dataset_is_file": (
        "{path} is a file, not a dataset folder.",
        "a folder holding train/ and validation/, or one folder per class",
        "",
    ),
    "no_class_folders": (
        "{folder} holds no class folders with images.",
        "at least two class folders, e.g. cats/ and dogs/, each with image files",
        "arrange the photos as <dataset>/train/<class>/*.jpg (and validation/), or <dataset>/<class>/*.jpg.",
    ),
    "too_few_class_folders": (
        {"one": "{folder} holds {count} class folder with images ({names}).",
         "other": "{folder} holds {count} class folders with images ({names})."},
        "at least two class folders, e.g. cats/ and dogs/, each with image files",
        "arrange the photos as <dataset>/train/<class>/*.jpg (and validation/), or <dataset>/<class>/*.jpg.",
    ),
    "no_validation_split": (
        "{path} has train/ but no validation/ folder.",
        "train/ and validation/ side by side, with the same class folders",
        ("add a validation/ split, or put the class folders directly in the dataset folder "
         "to have catdog split them."),
    ),
    "split_classes_differ": (
        "{split}/ has classes {names} but train/ has {train_names}.",
        "the same class folders in every split",
        "",
    ),
    "download_failed": (
        "Could not download the sample dataset from {url} ({reason}).",
        "an internet connection",
        ("copy a dataset folder (train/ and validation/ with one folder per class) under {root} "
         "and choose it there, or pass --data DIR to the CLI."),
    ),
    "download_has_no_train": (
        "The downloaded archive in {folder} has no train/ folder.",
        "",
        "delete {downloads} and download again.",
    ),
    # data/images.py
    "image_missing": ("{name}: no such file.", "", "check the path and the file name."),
    "image_too_large": (
        "{name}: refused, the image claims {width} x {height} pixels.",
        "at most {limit:,} pixels",
        "resize the photo before uploading it.",
    ),
    "image_bomb": (
        "{name}: refused, the image claims more than {claimed:,} pixels.",
        "at most {limit:,} pixels",
        "resize the photo before uploading it.",
    ),
    "image_too_big_to_open": (
        "{name}: refused, this {kind} would take {megabytes:,.0f} MB of memory to open.",
        "at most {limit_mb:,.0f} MB: about {megapixels:,.1f} megapixels for a {kind} like this one",
        "save it smaller (or as a JPEG), then upload it again.",
    ),
    "image_wait_too_long": (
        "{name}: not opened, the server was busy opening other large photos for {seconds} seconds.",
        "",
        "try again in a moment.",
    ),
    "image_unknown_format": (
        "{name}: not a readable image (the contents are not a known image format).",
        "JPEG, PNG, WebP, BMP, GIF or TIFF",
        "check that the file really is a photo; renaming a file does not convert it.",
    ),
    "image_damaged": (
        "{name}: the image is damaged and cannot be decoded ({reason}).",
        "",
        "re-export or re-download the photo.",
    ),
    # classroom/archive.py
    "zip_absolute_path": (
        "Refused: the zip holds an absolute path ({entry}).",
        "relative paths such as train/cats/1.jpg",
        "",
    ),
    "zip_leaves_folder": ("Refused: the zip holds a path that leaves its folder ({entry}).", "no '..' in paths", ""),
    "zip_symlink": ("Refused: the zip holds a symbolic link ({entry}).", "ordinary files and folders only", ""),
    "zip_too_many_files": (
        "Refused: the zip holds {count:,} files.",
        "at most {limit:,}",
        "use fewer photos per dataset on this server.",
    ),
    "zip_too_large": (
        "Refused: the zip would expand to {gigabytes:.1f} GB.",
        "at most {limit_gigabytes:.1f} GB uncompressed",
        "split the dataset or use smaller photos.",
    ),
    "zip_bomb": (
        "Refused: the zip expands to more than its headers claim (over {limit_gigabytes:.1f} GB): a zip bomb.",
        "",
        "",
    ),
    "dataset_name_invalid": ("{name!r} cannot be a dataset name.", "letters, digits, - and _", ""),
    "dataset_exists": ("A dataset called {name} already exists.", "", "choose another name."),
    "collection_name_taken": ("Another student is already collecting photos under the name {name}.", "",
                              "choose another name, for example {suggestion}."),
    "zip_too_many_entries": ("Refused: the zip holds more files and folders than a dataset does.",
                             "at most {limit}", "zip only the dataset's folder."),
    "zip_too_deep": ("Refused: the zip holds {entry}, {depth} folders deep.", "at most {limit}",
                     "zip the dataset's folder (its train/ and validation/, or its class folders)."),
    "zip_name_clash": ("Refused: the zip holds {first} and {second}, which would be stored as one.",
                       "each file and folder name once (letters' case and accents written one way)",
                       "rename one of them, then zip the folder again."),
    "zip_damaged_entry": ("The zip is damaged: {entry} cannot be read ({reason}).", "",
                          "zip the folder again, or send the zip again."),
    "upload_too_big": ("The upload takes {megabytes:,.0f} MB.", "at most {limit_mb} MB on this server",
                       "send a smaller file (fewer or smaller photos)."),
    "disk_full": ("The server's disk is full: the {what} was not kept, and nothing half-written is left.", "",
                  "tell the teacher; delete runs or datasets you no longer need."),
    "teacher_code_wait": ("Too many wrong teacher codes were typed.", "",
                          "wait {seconds} s, then type the code again."),
    "display_name_refused": ("That name cannot be shown to the class.",
                             "up to {length} characters, none of them invisible", "type your name again."),
    "out_is_folder": ("{path} is a folder.", "a file name to write", "add the file's name to the path."),
    "out_folder_missing": ("The folder {folder} does not exist.", "an existing folder for {path}",
                           "create the folder first, or write elsewhere."),
    "models_dir_not_folder": ("{path} is a file, not a folder of runs.", "", "pass a folder."),
    "file_error": ("{path}: {reason}.", "", "check the path, its permissions and the free disk space."),
    "teacher_only_wipe": ("Only the teacher may delete the whole class's data.", "", ""),
    "zip_encrypted": ("The zip is protected by a password ({entry}).", "a zip without a password",
                      "zip the folder again without a password."),
    "teacher_only_misnamed": ("Only the teacher may delete folders of the data root.", "", ""),
    "zip_unreadable": ("The upload is not a readable zip file ({reason}).", "", ""),
    # runs.py and jobs.py
    "run_damaged_missing": ("Run {run} cannot be read: its {file} is missing.", "",
                            "delete the run; the other runs are not affected."),
    "run_damaged_not_json": ("Run {run} cannot be read: its {file} is damaged (it is not JSON).", "",
                             "delete the run; the other runs are not affected."),
    "run_damaged_not_text": ("Run {run} cannot be read: its {file} is not text.", "",
                             "delete the run; the other runs are not affected."),
    "run_damaged_not_a_record": ("Run {run} cannot be read: its {file} holds no record.", "a JSON object",
                                 "delete the run; the other runs are not affected."),
    "run_damaged_value": ("Run {run} cannot be read: its {file} says {name} = {value}, which catdog never writes.",
                          "", "delete the run; the other runs are not affected."),
    "no_finished_run": (
        "There is no finished run in {root} yet.",
        "",
        "train one first: python -m catdog train --data DIR",
    ),
    "run_not_found": (
        "No run called {ref!r} in {root}.",
        "a run id, a run folder or 'latest'",
        "list runs with: python -m catdog runs",
    ),
    "run_not_found_example": (
        "No run called {ref!r} in {root}.",
        "a run id, a run folder or 'latest', e.g. {example}",
        "list runs with: python -m catdog runs",
    ),
    "run_busy": ("Run {run} is {state}.", "", "cancel it before deleting it."),
    "run_already_finished": ("Run {run} has already finished ({state}); there is nothing to cancel.", "", ""),
    "job_cancelled_before_start": ("Cancelled before it started.", "", ""),
    "job_cancelled": ("Cancelled by request; the model was not saved.", "", ""),
    "job_cancelled_by_teacher": ("Cancelled by the teacher, {by}; the model was not saved.", "",
                                 "ask them why, or start it again with fewer epochs."),
    "quota_class_queue": (
        "The class's queue is full: {count} runs are waiting or training.",
        "at most {limit} at once on this server",
        "wait for some of them to finish, then start again.",
    ),
    "quota_waiting_runs": ({"one": "You already have {count} run waiting or training.",
                            "other": "You already have {count} runs waiting or training."}, "at most {limit} at a time",
                           "wait for one to finish, or cancel one on the Train page."),
    "quota_kept_runs": ("You already keep {count} runs on this shared server.", "at most {limit}",
                        "delete runs you no longer need on the Training curves page."),
    "quota_datasets": ({"one": "You already keep {count} imported dataset on this shared server ({names}).",
                        "other": "You already keep {count} imported datasets on this shared server ({names})."},
                       "at most {limit}", "delete one you no longer need on the Home page, then import again."),
    "quota_upload_disk": ("Your datasets take {used_mb} MB and this upload {size_mb} MB.", "at most {limit_mb} MB "
                          "of uploaded photos per student", "delete a dataset you no longer need ({names}) on "
                          "the Home page, or upload fewer photos."),
    "dataset_not_found": ("There is no dataset called {name}.", "", "pick one of the datasets listed."),
    "teacher_only_job_minutes": ("Only the teacher may change the class's minutes per job.", "", "ask the teacher."),
    "teacher_only_test_set": ("Only the teacher may choose the class's test set.", "", "ask the teacher."),
    "no_test_set": ("The teacher has not chosen a test set yet.", "", "the teacher picks one on the Leaderboard "
                    "page; every finished run is then scored on it."),
    "test_set_hidden": ("The class's test set is kept for the leaderboard: no student trains on it.", "",
                        "pick another dataset in the sidebar."),
    "not_your_dataset": ("The dataset {dataset} belongs to {owner}: only they and the teacher may delete it.", "",
                         "delete your own datasets; ask the teacher to remove any other."),
    "shared_dataset": ("The dataset {dataset} was put on this server for the whole class: only the teacher may "
                       "delete it.", "", "ask the teacher."),
    "dataset_busy": ("A run waiting or training uses the dataset {dataset}.", "", "wait for it to finish, or "
                     "cancel it on the Train page, then delete the dataset."),
    "not_your_run": ("Run {run} belongs to {owner}: only they and the teacher may cancel or delete it.", "",
                     "cancel or delete your own runs; ask the teacher to remove someone else's."),
    "job_silent": ("The training process (pid {pid}) stopped sending heartbeats: it hung, or the server is "
                   "overloaded.", "", "launch the run again."),
    "job_gone": ("The training process (pid {pid}) is no longer running: it was killed or crashed, or the "
                 "server restarted.", "", "launch the run again."),
    # use/export.py
    "export_without_model": ("Run {run} has no model to export (state: {state}).", "", ""),
    "tflite_top_class_differs": (
        ("The quantized TensorFlow Lite model picks a different class from the Keras model on {differ} of "
         "{photos} photos (their probabilities differ by up to {difference:.2f})."),
        "the same top class as the Keras model on all {photos} photos",
        "export without quantization: a bigger file, with the same answers as the Keras model.",
    ),
    "tflite_float_differs": (
        ("The TensorFlow Lite model does not compute what the Keras model computes: on {photos} photos "
         "their probabilities differ by up to {difference:.2g}."),
        "a difference of at most {tolerance}",
        "use model.keras instead, or try again with another TensorFlow version.",
    ),
    "unknown_card_language": ("No model card in the language {language!r}.", "one of {allowed}", ""),
    # use/explain.py
    "opacity_out_of_range": ("opacity = {opacity} is out of range.", "0 to 1", ""),
    "unknown_class": ("Unknown class {name!r}.", "one of {allowed}", ""),
    # training/multiworker.py
    "tf_config_missing": (
        "--strategy multiworker needs TF_CONFIG describing the cluster; got nothing.",
        "JSON with cluster.worker (host:port of every worker) and task.index",
        "on every machine, set e.g. {example} (index 1 on the second).",
    ),
    "tf_config_invalid": (
        "--strategy multiworker needs TF_CONFIG describing the cluster; got {raw!r}.",
        "JSON with cluster.worker (host:port of every worker) and task.index",
        "on every machine, set e.g. {example} (index 1 on the second).",
    ),
    "tf_config_bad_task": (
        "TF_CONFIG names task {kind} {index}, but the cluster has workers {workers}.",
        "task type 'worker' with an index from 0 to {last}",
        "give each machine its own index; worker 0 keeps the run record.",
    ),
    "too_few_photos_for_workers": (
        "{photos} training photos cannot be shared by {count} workers.",
        "at least one photo per worker ({count})",
        "add photos or use fewer workers.",
    ),
    # network/model.py, network/weights.py
    "weights_unavailable": (
        "The ImageNet weights of {backbone} are not on this machine and could not be downloaded ({reason}).",
        "the file {file} in {folder}",
        ("train with --backbone {instead} instead (it trains here), or connect to the internet once, or copy "
         "{file} into {folder} (or set KERAS_HOME to a folder holding models/<file>)."),
    ),
    "weights_unavailable_at_size": (
        "The ImageNet weights of {backbone} for {image_size} px images are not on this machine and could not be "
        "downloaded ({reason}).",
        "the file {file} in {folder}",
        ("train at --image-size {ready_size} (its weights are here), or connect to the internet once, or copy "
         "{file} into {folder}."),
    ),
    "too_few_classes_for_model": ("A classifier needs at least 2 classes, got {count}.", "", ""),
    "model_has_lambda": (
        "{path}: refused, the model contains a Lambda layer (arbitrary code).",
        "a model saved by catdog",
        "",
    ),
    # training/train.py
    "no_readable_images": (
        "No readable images in the {split} split.",
        "",
        "check the files with: python -m catdog data inspect DIR",
    ),
    # use/predict.py
    "run_has_no_model": (
        "Run {run} has no model file (its state is {state}).",
        "",
        "pick a finished run, or wait for this one to finish.",
    ),
    # use/evaluate.py
    "evaluation_no_split": ("{path} has train/ but neither validation/ nor test/ to evaluate on.", "", ""),
    "evaluation_unknown_classes": (
        {"one": "{folder} has a class folder, {unknown}, that the model does not know.",
         "other": "{folder} has {count} class folders, {unknown}, that the model does not know."},
        "folders named after the model's classes: {classes}",
        "",
    ),
    "evaluation_no_images": ("{folder} holds no images in folders named {classes}.", "", ""),
    "evaluation_unreadable": ("None of the {count} images in {folder} could be read.", "", ""),
    # webui/loaders.py
    "run_deleted": ("Run {run} was deleted while you were looking at it.", "", "pick another run in the sidebar."),
    # inside/featuremap.py, inside/anatomy.py
    "no_photos_to_map": ("None of the {count} photos of the dataset could be read.", "readable JPEG or PNG photos",
                         "check the dataset on the Dataset page."),
    "unknown_map_method": ("Unknown map method {method!r}.", "one of {allowed}", ""),
    "too_few_photos_to_map": ({"one": "A class has {count} photo: too few to measure how the classes separate.",
                               "other": "A class has {count} photos: too few to measure how the classes separate."},
                              "at least {minimum} photos in each of two classes",
                              "add photos, or pick another dataset."),
    "unknown_preprocessing": ("Unknown preprocessing {preprocessing!r}.", "one of {allowed}",
                              "\"backbone\" uses the network's own preprocess_input; "
                              "\"rescale\" is the classic mistake."),
    "unknown_layer": ("The model has no layer {name!r}.", "one of {allowed}", ""),
    # classroom/collect.py
    "dataset_name_refused": (
        "'{name}' cannot be a dataset name.",
        "up to {length} letters, digits, spaces and - _ . ( ) ' + , &, not starting with . _ or -, "
        "no invisible characters, and none of {reserved}",
        "choose another name.",
    ),
    "class_name_refused": (
        "'{name}' cannot be a class name.",
        "up to {length} letters, digits, spaces and - _ . ( ) ' + , &, not starting with . _ or -, "
        "no invisible characters, and none of {reserved}",
        "choose another name.",
    ),
    "entry_name_refused": (
        "The zip holds a file or folder named '{name}', which cannot be stored.",
        "names with no invisible characters or slashes, not starting with . or _, of at most 200 bytes",
        "rename it, then zip the folder again.",
    ),
    "class_exists": ("There is already a class called {name}.", "", "choose another name."),
    "class_not_found": ("There is no class called {name}.", "one of {allowed}", ""),
    "too_many_classes": ("{count} classes are more than catdog takes in one dataset.", "at most {limit}", ""),
    "collection_not_found": ("There is no dataset in the making called {name}.", "", "pick one of those listed."),
    "not_your_collection": ("The dataset {dataset} belongs to {owner}: only they and the teacher may change it.",
                            "", "make your own dataset."),
    "photo_too_big": ("{name} takes {mb} MB.", "at most {limit_mb} MB a photo", "send a smaller photo."),
    "too_many_photos": ("{count} more photos do not fit in this dataset: {room} more do.",
                        "at most {limit} photos in a dataset", "add fewer photos, or remove some."),
    "photo_not_found": ("There is no photo {name} in the class {label}.", "", "it may have been removed already."),
    "too_few_classes": ({"one": "The dataset has {count} class.", "other": "The dataset has {count} classes."},
                        "at least {minimum}", "add a class."),
    "too_few_photos": ("Some classes have too few photos to train on; photos still missing: {missing}.",
                       "at least {minimum} photos in every class", "add photos to those classes."),
    "collection_busy": ("A run waiting or training uses the dataset {dataset}.", "",
                        "wait for it to finish, or cancel it on the Train page, then try again."),
}


def placeholders(template) -> set[str]:
    """The parameter names a template uses: {"path"} for "Folder {path!r} is missing."; of plural
    forms, those of every form and the count that chooses one."""
    forms = template.values() if isinstance(template, dict) else [template]
    fields = {field for form in forms for _, field, _, _ in string.Formatter().parse(form) if field is not None}
    return fields | {"count"} if isinstance(template, dict) else fields


def fill(key: str, templates: tuple, params: dict, formatter=None) -> tuple[str, str, str]:
    """The three templates of `key` with `params` filled in; a missing parameter names itself.
    `formatter` (a `language.NumberFormatter`) writes numbers another language's way. A template
    with a count is its plural forms, {"one": ..., "other": ...}, chosen by `params["count"]`."""
    format_one = formatter.format if formatter is not None else str.format
    language = getattr(formatter, "language", "en")
    try:
        return tuple(format_one(choose_form(template, language, params), **params) for template in templates)
    except KeyError as error:
        raise KeyError(f"The message {key!r} needs the parameter {error.args[0]!r}; "
                       f"got {sorted(params)}.") from None


class CatdogError(ValueError):
    """A bad input or missing resource, told as: what happened, what was expected, how to fix it.

    Raised as `CatdogError("dataset_missing", path=..., root=...)`: the key names a
    message in `MESSAGES`, the keywords fill its placeholders. `what`, `expected` and
    `fix` are the English texts, and `str(error)` joins them. The CLI prints it without
    a traceback and the pages show it translated; anything else that escapes is a bug
    and keeps its traceback.
    """

    def __init__(self, key: str, **params):
        if key not in MESSAGES:
            # A typo in a key must fail where it is written, not show a blank message to a user.
            raise KeyError(f"No message {key!r} in catdog.errors.MESSAGES: add it there, "
                           "and its Portuguese in webui/error_text.py.")
        self.key, self.params = key, params
        self.what, self.expected, self.fix = fill(key, MESSAGES[key], params)
        parts = [self.what]
        if self.expected:
            parts.append(f"Expected: {self.expected}")
        if self.fix:
            parts.append(f"Fix: {self.fix}")
        super().__init__("\n".join(parts))

    def with_params(self, **changes) -> CatdogError:
        """The same message with some of its parameters replaced (e.g. a temporary folder named as the
        dataset it became)."""
        return _rebuild(self.key, {**self.params, **changes})

    def __reduce__(self):
        # The default pickling calls CatdogError(message), which is not a key.
        return _rebuild, (self.key, self.params)


def _rebuild(key: str, params: dict) -> CatdogError:
    return CatdogError(key, **params)


NO_INTERNET = "no internet connection"
_OFFLINE_SIGNS = ("Name or service not known", "Temporary failure in name resolution", "Network is unreachable",
                  "No address associated", "nodename nor servname", "getaddrinfo failed", "timed out",
                  "Connection refused")


def short_reason(error: BaseException | None) -> str:
    """Why a download failed, for a person: NO_INTERNET where a DNS lookup or a connection
    failed (None: it was not even tried); else the first line of the error, kept short (a URL and
    an errno help nobody in a classroom)."""
    if error is None:
        return NO_INTERNET
    text = str(error)
    if any(sign in text for sign in _OFFLINE_SIGNS):
        return NO_INTERNET
    return (text.splitlines() or [type(error).__name__])[0][:160]
