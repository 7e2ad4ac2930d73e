""" "Your own image": an uploaded picture in the multi-layer view.

The upload box is emptied after every file (a new widget key): the page, not the box, says
what became of the file, so refused files never pile up in it, and the server does not keep
each session's last file in memory. The box accepts any file type, so that a wrong one gets
this page's message (naming what it is) rather than the browser's. A refused file leaves the
previous picture on screen, and the page says so.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from classroom import images, networks, session, shared
from classroom.app.channel_images import ask_for_channel, asked_channel
from classroom.app.lesson_page import draw_view
from classroom.app.progress import REST, STEP, preparing, retry, want, weights_problem
from classroom.app.state import (
    UPLOAD,
    UPLOAD_BOX,
    UPLOAD_FILE,
    UPLOAD_POINTER,
    UPLOAD_REFUSAL,
    UPLOAD_SERIAL,
    plain,
    session_weights_file,
    uses_untrained,
)
from classroom.app.technique_panels import technique_picker, view_maps
from classroom.background import Job, readiness
from classroom.lessons import Lesson
from classroom.session import Pointer
from classroom.store import FeatureStore
from classroom.uploads import (
    MAX_UPLOAD_MB,
    MAX_UPLOAD_PIXELS,
    Upload,
    UploadError,
    accept_upload,
    upload_request,
)

__all__ = ["own_image_page", "receive"]


def receive(file: UploadedFile, lesson: Lesson | None) -> None:
    """Check a newly uploaded file: it becomes the session's picture, or is refused."""
    st.session_state[UPLOAD_BOX] = st.session_state.get(UPLOAD_BOX, 0) + 1
    max_side = lesson.max_side if lesson else images.DEFAULT_MAX_SIDE
    try:
        upload = accept_upload(file.name, file.getvalue(), FeatureStore(), max_side=max_side)
    except UploadError as error:
        st.session_state[UPLOAD_REFUSAL] = (error.name, error.problem)
        return
    st.session_state[UPLOAD_REFUSAL] = None
    st.session_state[UPLOAD] = upload
    st.session_state[UPLOAD_POINTER] = Pointer()
    st.session_state[UPLOAD_SERIAL] = st.session_state.get(UPLOAD_SERIAL, 0) + 1


def _refused(name: str, problem: str) -> None:
    st.error(f"**{plain(name)}** cannot be used: {plain(problem)}", icon=":material/block:")


def own_image_page(lesson: Lesson | None, presenter: bool) -> None:
    network = lesson.network if lesson else networks.NetworkChoice()
    want(REST, [])  # the lesson is not on screen
    st.header("Your own image", anchor=False)
    st.markdown(
        f"Explore a picture of your own with the network of the current lesson "
        f"({plain(network.title)}). "
        "It stays in this browser session: nobody else sees it."
    )
    file = st.file_uploader(
        "Upload a picture",
        max_upload_size=MAX_UPLOAD_MB,
        key=f"{UPLOAD_FILE}/{st.session_state.get(UPLOAD_BOX, 0)}",
        help=f"PNG, JPEG, TIFF, WebP, GIF or BMP; at most {MAX_UPLOAD_MB} MB and "
        f"{MAX_UPLOAD_PIXELS // 1_000_000} million pixels.",
    )
    if file is not None:
        receive(file, lesson)
        st.rerun()
    upload: Upload | None = st.session_state.get(UPLOAD)
    refusal: tuple[str, str] | None = st.session_state.get(UPLOAD_REFUSAL)
    if refusal is not None:
        _refused(*refusal)
    if upload is None:
        want(STEP, [])
        return
    if not upload.path.is_file():
        # Removed from the store meanwhile (a month unused, or by hand): not this person's doing.
        st.session_state[UPLOAD] = None
        want(STEP, [])
        st.info(
            f"Your picture **{plain(upload.name)}** is no longer kept on the server; "
            "upload it again to explore it."
        )
        return
    if refusal is not None:
        st.info(f"Still showing your previous picture, **{plain(upload.name)}**.")
    _upload_view(upload, lesson, presenter)


def _upload_view(upload: Upload, lesson: Lesson | None, presenter: bool) -> None:
    job = Job(
        upload_request(upload, lesson),
        uses_untrained(),
        FeatureStore().root,
        session_weights_file(),
        title=f"your picture {upload.name}",
    )
    ready = readiness([job], shared.prepared_cache(), shared.worker())
    want(STEP, ready.pending)
    weights = [failure for _, failure in ready.failed if failure.weights]
    if weights:
        weights_problem(weights[0])
        return
    if ready.failed:
        # The person's own file name, never the stored copy's path in the server's store.
        [(_, failure)] = ready.failed
        _refused(upload.name, failure.problem or failure.message)
        st.button("Try again", icon=":material/refresh:", on_click=retry, args=([job],))
        return
    if ready.pending:
        preparing([job], ready.pending, f"Preparing your picture **{plain(upload.name)}**", STEP)
        return
    image = ready.prepared[job]
    pointer: Pointer = st.session_state.get(UPLOAD_POINTER, Pointer())
    view_id = f"upload/{upload.path.stem}/{st.session_state.get(UPLOAD_SERIAL, 0)}"
    # The picker's maps are panels of the view: computed first, the view drawn above them.
    view_slot = st.container()
    picked = (
        technique_picker(lesson, upload.path, pointer.reference, f"upload/{upload.path.stem}")
        if lesson is not None
        else None
    )
    with view_slot:
        event = draw_view(
            view_id,
            list(image.layers.values()),
            image,
            pointer,
            presenter=presenter,
            caption=upload.name,
            page="upload",
            maps=view_maps([picked]),
        )
    if event is not None and event.kind != "step":
        st.session_state[UPLOAD_POINTER] = session.pointer_from_view(
            event.state, image.original_size, image.size
        )
    if event is not None and event.kind == "channel":
        ask_for_channel(view_id, event.layer, event.channel)
    if lesson is not None:
        asked_channel(lesson, view_id, image.layers)
