"""The similarity-view Streamlit component (see ``contract`` for its typed interface)."""
