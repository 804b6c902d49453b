"""Writes tests/previous_class/: a class server's folders as the catdog before issue 26 wrote them
(commit 1fa2043), for tests/test_upgrade.py. Run it with that catdog on the path:

    git worktree add /tmp/previous 1fa2043
    PYTHONPATH=/tmp/previous:/tmp/previous/tests python tests/previous_class/make_fixture.py OUT

Only text is kept (records, settings, curves): the photos and models are left out, and the
test makes the photos again (`PHOTOS` in manifest.json names them).
"""

import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

out = Path(sys.argv[1]).resolve()
work = Path(tempfile.mkdtemp())
os.chdir(work)
os.environ.update({"CATDOG_HOSTED": "1", "CATDOG_DATA_DIR": "data", "CATDOG_MODELS_DIR": "models"})

from catdog import archive, collect, jobs, runs  # noqa: E402
from catdog.access import Identity  # noqa: E402
from catdog.config import TrainConfig  # noqa: E402
from helpers import make_dataset, make_image  # noqa: E402  (the previous catdog's test helpers)

ana = Identity("Qm9yaW5nIHRva2VuIG9mIEFuYSdzIGJyb3dzZXIuLi4", "Ana")  # a cookie token, as the previous one made
bia = Identity("Qmlh-dG9rZW4tb2YtaGVyLWJyb3dzZXItMTIzNDU2Nzg", "Bia")
teacher = Identity("VGVhY2hlci10b2tlbi1vZi10aGUtY2xhc3MtMDEyMzQ", "Prof. Rui", teacher=True)
for who in (ana, bia, teacher):
    path = Path("models/.people") / f"{hashlib.sha256(who.id.encode()).hexdigest()[:32]}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"name": who.name, **({"teacher": True} if who.teacher else {})}))

make_dataset(Path("data/pets"), per_class=6)  # the host's dataset: no owner
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w") as bundle:
    for kind, label in enumerate(("cats", "dogs")):
        for number in range(5):
            photo = make_image(work / f"{label}{number}.png", kind, seed=number)
            bundle.write(photo, f"{label}/{number}.png")
archive.import_zip(io.BytesIO(buffer.getvalue()), "ana pets", "data", owner=ana)
toys = collect.create("toys", ["car", "ball"], bia, "data")
for name in ("car", "ball"):
    collect.add_photos(toys, name, [(f"{name}{n}.png", make_image(work / f"{name}{n}.png", n % 2, seed=n).read_bytes())
                                    for n in range(4)], bia)

done = runs.create_run(TrainConfig(data_dir="data/pets", backbone="simple_cnn", image_size=32, epochs=2,
                                   batch_size=4), "models", ana)
runs.update_status(done, state="done", started=1796000100.0, ended=1796000130.0, pid=4242,
                   progress={"phase": "evaluating", "fraction": 1.0, "epoch": 2, "total_epochs": 2})
runs.write_history(done, [{"epoch": 1, "phase": 1, "loss": 0.69, "accuracy": 0.5, "val_loss": 0.68,
                           "val_accuracy": 0.58, "seconds": 3.1},
                          {"epoch": 2, "phase": 1, "loss": 0.61, "accuracy": 0.7, "val_loss": 0.62,
                           "val_accuracy": 0.67, "seconds": 2.9}])
runs.write_json(done / "metrics.json", {"val_accuracy": 0.67, "val_loss": 0.62, "epochs_run": 2,
                                        "class_names": ["cats", "dogs"], "train_images": 12,
                                        "validation_images": 12, "seconds": 30.0})
(done / "class_names").write_text("cats\ndogs\n")
cancelled = runs.create_run(TrainConfig(data_dir="data/ana pets", backbone="simple_cnn", image_size=32),
                            "models", ana)
jobs.cancel(cancelled.name, "models", ana)
queued = runs.create_run(TrainConfig(data_dir="data/pets", backbone="simple_cnn", image_size=32, epochs=1,
                                     batch_size=4), "models", bia)

PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg")
photos = sorted(str(path) for path in Path("data").rglob("*") if path.suffix.lower() in PHOTO_SUFFIXES)
shutil.rmtree(out, ignore_errors=True)
for path in sorted(Path(".").rglob("*")):
    if path.is_file() and path.suffix.lower() not in (*PHOTO_SUFFIXES, ".keras") and ".lock" not in path.name:
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, out / path)
(out / "manifest.json").write_text(json.dumps({
    "written_by": "catdog 1fa2043", "photos": photos,
    "people": {who.name: {"token": who.id, "teacher": who.teacher} for who in (ana, bia, teacher)},
    "runs": {"done": done.name, "cancelled": cancelled.name, "queued": queued.name}}, indent=1))
print(out)
