""" "Your own image": an uploaded picture in the multi-layer view."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from classroom import images, models, session, shared
from classroom.app.lesson_page import draw_view
from classroom.app.progress import preparing, show_problems
from classroom.app.state import (
    UPLOAD,
    UPLOAD_ERROR,
    UPLOAD_FILE,
    UPLOAD_POINTER,
    UPLOAD_SEEN,
    UPLOAD_SERIAL,
    plain,
    session_weights_file,
    uses_untrained,
)
from classroom.background import Job, readiness
from classroom.lessons import Lesson
from classroom.session import Pointer
from classroom.store import FeatureStore
from classroom.uploads import (
    MAX_UPLOAD_MB,
    MAX_UPLOAD_PIXELS,
    UPLOAD_TYPES,
    Upload,
    UploadError,
    accept_upload,
    upload_request,
)

__all__ = ["accept", "own_image_page"]


def accept(file: UploadedFile, lesson: Lesson | None) -> None:
    """Check a newly uploaded file once (reruns see the same file again)."""
    if st.session_state.get(UPLOAD_SEEN) == file.file_id:
        return
    st.session_state[UPLOAD_SEEN] = file.file_id
    st.session_state[UPLOAD_ERROR] = None
    max_side = lesson.max_side if lesson else images.DEFAULT_MAX_SIDE
    try:
        upload = accept_upload(file.name, file.getvalue(), FeatureStore(), max_side=max_side)
    except UploadError as error:
        st.session_state[UPLOAD_ERROR] = str(error)
        return
    st.session_state[UPLOAD] = upload
    st.session_state[UPLOAD_POINTER] = Pointer()
    st.session_state[UPLOAD_SERIAL] = st.session_state.get(UPLOAD_SERIAL, 0) + 1


def own_image_page(lesson: Lesson | None, presenter: bool) -> None:
    model = lesson.model if lesson else models.DEFAULT_ARCHITECTURE
    st.header("Your own image", anchor=False)
    st.markdown(
        f"Explore a picture of your own with the network of the current lesson ({model}). "
        "It stays in this browser session: nobody else sees it."
    )
    file = st.file_uploader(
        "Upload a picture",
        type=list(UPLOAD_TYPES),
        max_upload_size=MAX_UPLOAD_MB,
        key=UPLOAD_FILE,
        help=f"PNG, JPEG, TIFF, WebP, GIF or BMP; at most {MAX_UPLOAD_MB} MB and "
        f"{MAX_UPLOAD_PIXELS // 1_000_000} million pixels.",
    )
    if file is not None:
        accept(file, lesson)
        error = st.session_state.get(UPLOAD_ERROR)
        if error:
            st.error(plain(error), icon=":material/block:")
    upload: Upload | None = st.session_state.get(UPLOAD)
    if upload is None:
        return
    job = Job(
        upload_request(upload, lesson),
        uses_untrained(),
        FeatureStore().root,
        session_weights_file(),
    )
    worker = shared.worker()
    ready = readiness([job], shared.prepared_cache(), worker)
    if show_problems(ready):
        return
    if ready.pending:
        worker.submit(ready.pending, urgent=True)
        preparing([job], ready.pending, f"Extracting features of {upload.name}")
        return
    image = ready.prepared[job]
    pointer: Pointer = st.session_state.get(UPLOAD_POINTER, Pointer())
    event = draw_view(
        f"upload/{upload.path.stem}/{st.session_state.get(UPLOAD_SERIAL, 0)}",
        list(image.layers.values()),
        image,
        pointer,
        presenter=presenter,
        caption=upload.name,
        page="upload",
    )
    if event is not None and event.kind != "step":
        st.session_state[UPLOAD_POINTER] = session.pointer_from_view(
            event.state, image.original_size, image.size
        )
