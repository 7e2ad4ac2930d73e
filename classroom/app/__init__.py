"""The Streamlit page, one module per part of it (:mod:`classroom.app.main` is the script).

UI composition only. Where a session is and its share link are plain functions in
:mod:`classroom.session`; what all sessions share is in :mod:`classroom.shared`; features are
prepared by the background worker (:mod:`classroom.background`), so no render waits for a
forward pass. Importing this package imports nothing (Streamlit is imported by its modules).
"""
