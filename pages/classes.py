"""Your own classes: make a dataset in the browser (files and webcam), train on it, try it live."""

import streamlit as st

from catdog.classroom import collect, publish
from catdog.errors import CatdogError
from catdog.settings import data_root
from webui.charts import probabilities_figure
from webui.error_text import show_error
from webui.identity import current
from webui.loaders import predictor_for, thumbnail_jpeg, upload_preview
from webui.navigation import page, page_start
from webui.sidebar import selected_run
from webui.text import number, t
from webui.uploads import file_uploader

SHOWN = 24  # thumbnails per class; more would make every rerun send hundreds of images
CHOSEN = "_collection"
NOTICES = "_collection_notices"
SHOTS = "_live_shots"

page_start("classes")
who = current()


def redraw(notices: list[tuple[str, str]] = ()) -> None:
    """After a change: the whole page again (counts, readiness), with what the click did on top."""
    st.session_state[NOTICES] = list(notices)
    st.rerun()


def bump(name: str) -> None:
    """A fresh widget (empty uploader, camera ready) for the next photos: a new key."""
    st.session_state[name] = st.session_state.get(name, 0) + 1


def creation_form(expanded: bool) -> None:
    with st.expander(t("classes.new"), expanded=expanded), st.form("new-collection"):
        name = st.text_input(t("classes.name"), value=t("classes.default_name"))
        lines = st.text_area(t("classes.class_names", minimum=collect.MIN_CLASSES), value=t("classes.default_classes"))
        if st.form_submit_button(t("classes.create"), icon=":material/add:"):
            try:
                made = collect.create(name, [line for line in lines.splitlines() if line.strip()], who)
            except CatdogError as error:
                show_error(error)
                return
            st.session_state[CHOSEN] = made.name
            redraw()


def add(collection: collect.Collection, class_name: str, files: list, widget: str) -> None:
    """Store the photos of an upload or a shot, say what happened, and empty the widget."""
    try:
        report = collect.add_photos(collection, class_name, [(f.name, f.getvalue()) for f in files], who)
    except CatdogError as error:
        show_error(error)
        return
    bump(widget)
    notices = [("success", t("classes.added", count=len(report.added), name=class_name))] if report.added else []
    if report.duplicates:
        notices.append(("warning", t("classes.duplicates", names=", ".join(report.duplicates))))
    notices += [("error", error) for _, error in report.refused]
    redraw(notices)


def photos_of(collection: collect.Collection, photo_class: collect.PhotoClass) -> None:
    """A class's thumbnails, each with a remove button, and its rename and delete."""
    st.subheader(t("classes.photos_of", name=photo_class.name))
    if not photo_class.photos:
        st.caption(t("classes.no_photos", name=photo_class.name))
    elif len(photo_class.photos) > SHOWN:
        st.caption(t("classes.more", shown=SHOWN, count=len(photo_class.photos)))
    grid = st.columns(8)
    for index, photo in enumerate(photo_class.photos[:SHOWN]):
        with grid[index % 8]:
            st.image(thumbnail_jpeg(str(photo), 128), width="stretch")
            if st.button(t("classes.remove"), key=f"remove-{photo.name}", type="tertiary", icon=":material/close:"):
                act(collect.remove_photo, collection, photo_class.name, photo.name)
    with st.popover(t("classes.manage", name=photo_class.name), icon=":material/edit:"):
        new_name = st.text_input(t("classes.rename_to"), value=photo_class.name, key=f"rename-{photo_class.name}")
        if st.button(t("classes.rename"), key=f"do-rename-{photo_class.name}"):
            act(collect.rename_class, collection, photo_class.name, new_name)
        if st.button(t("classes.delete_class", name=photo_class.name, count=len(photo_class.photos)),
                     key=f"delete-{photo_class.name}", icon=":material/delete:"):
            act(collect.delete_class, collection, photo_class.name)


def act(change, *arguments) -> None:
    """One change to the collection through the core; its error shown, else the page redrawn."""
    try:
        change(*arguments)
    except CatdogError as error:
        show_error(error)
        return
    redraw()


def readiness(collection: collect.Collection) -> None:
    """Train on these, once every class has enough photos; until then what is missing."""
    if not collection.ready:
        missing = [t("classes.missing_photos", count=count, name=name) for name, count in collection.short.items()]
        if len(collection.classes) < collect.MIN_CLASSES:
            missing.insert(0, t("classes.missing_class", count=collect.MIN_CLASSES - len(collection.classes)))
        st.info(t("classes.need", classes=collect.MIN_CLASSES, minimum=collect.MIN_PHOTOS_PER_CLASS,
                  missing=", ".join(missing)), icon=":material/hourglass:")
        return
    st.success(t("classes.ready", minimum=collect.MIN_PHOTOS_PER_CLASS))
    if st.button(t("classes.train"), type="primary", icon=":material/model_training:"):
        try:
            with st.spinner(t("classes.publishing")):
                path = publish.to_dataset(collection)
        except CatdogError as error:
            show_error(error)
            return
        st.session_state["dataset"] = str(data_root() / path.name)  # as the sidebar names it
        st.switch_page(page("train"))


def try_live(collection: collect.Collection) -> None:
    """Every webcam shot predicted by the selected run, its bars drawn for every class; the camera is
    then ready for the next shot (one click a shot). A fragment: a shot redraws this part only. The
    model loads at the first shot, not with the page."""
    run = selected_run()
    if run is None:
        return
    st.divider()
    if not st.toggle(t("classes.try"), key="live"):
        return
    st.caption(t("classes.try_note", run=run.id, classes=", ".join(run.class_names)))
    if sorted(run.class_names) != sorted(c.name for c in collection.classes):
        st.caption(t("classes.try_other"))
    shots = st.session_state.setdefault(SHOTS, [])  # (photo, run id, prediction), oldest first
    left, right = st.columns(2)
    shot = left.camera_input(t("classes.try_camera"), key=f"live-camera-{len(shots)}")
    if shot is not None:
        try:
            [result] = predictor_for(run).predict([shot])
        except CatdogError as error:
            show_error(error)
            return
        shots.append((upload_preview(shot.getvalue()), run.id, result))
        st.rerun()  # a fresh camera for the next shot, this shot drawn beside it
    if not shots:
        return
    photo, run_id, result = shots[-1]
    if result.error is not None:
        show_error(result.error)
        return
    right.image(photo, width="stretch")
    right.markdown(f"### {result.top_class} ({number(result.confidence, '.1%')})")
    right.plotly_chart(probabilities_figure(result.probabilities), key="live-probabilities")
    first = max(1, len(shots) - 4)
    right.caption(" · ".join(t("classes.shots", number=position, label=past.top_class or "-",
                               confidence=number(past.confidence or 0, ".0%"))
                             for position, (_, _, past) in enumerate(shots[-5:], first)))


for level, notice in st.session_state.pop(NOTICES, []):  # what the last click did
    if level == "error":
        show_error(notice)
    else:
        (st.success if level == "success" else st.warning)(notice)
mine = collect.list_collections(who)
if not mine:
    st.info(t("classes.none"))
names = [c.name for c in mine]
chosen = st.session_state.get(CHOSEN)
if names:
    picked = st.selectbox(t("classes.pick"), names, index=names.index(chosen) if chosen in names else 0)
    st.session_state[CHOSEN] = picked
creation_form(expanded=not mine)
if not mine:
    st.stop()
collection = next(c for c in mine if c.name == picked)

st.markdown(f"**{t('classes.overview')}**")
for column, photo_class in zip(st.columns(max(len(collection.classes), 1)), collection.classes):
    done = min(len(photo_class.photos) / collect.MIN_PHOTOS_PER_CLASS, 1.0)
    column.progress(done, text=t("classes.count", name=photo_class.name, count=len(photo_class.photos),
                                 minimum=collect.MIN_PHOTOS_PER_CLASS))
readiness(collection)
st.divider()
with st.container(horizontal=True, vertical_alignment="bottom"):
    current_class = st.segmented_control(t("classes.class"), [c.name for c in collection.classes],
                                         default=collection.classes[0].name if collection.classes else None,
                                         key=f"class-{collection.name}")
    with st.popover(t("classes.add_class"), icon=":material/add:"):
        new_class = st.text_input(t("classes.new_class"), key="new-class")
        if st.button(t("classes.add_class"), key="do-add-class"):
            act(collect.add_class, collection, new_class)
if collection.classes:
    photo_class = next((c for c in collection.classes if c.name == current_class), collection.classes[0])
    upload_key = f"upload-{collection.name}-{photo_class.name}-{st.session_state.get('_uploads', 0)}"
    files = file_uploader(t("classes.upload", name=photo_class.name),
                          ["jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"], key=upload_key,
                          accept_multiple_files=True)
    if files:
        add(collection, photo_class.name, files, "_uploads")
    if st.toggle(t("classes.webcam"), key="collect-webcam"):
        shot = st.columns(2)[0].camera_input(  # half the page: the whole width pushed the photos out of sight
            t("classes.shot", name=photo_class.name), key=f"shot-{collection.name}-{st.session_state.get('_shots', 0)}")
        if shot:
            add(collection, photo_class.name, [shot], "_shots")
    photos_of(collection, photo_class)
st.divider()
with st.popover(t("classes.delete"), icon=":material/delete:"):
    st.warning(t("classes.delete_warning", name=collection.name))
    if st.button(t("classes.delete_yes"), type="primary", key="delete-collection"):
        act(collect.delete, collection)
st.fragment(try_live)(collection)
