"""Collections: views across a whole set of labelled images (issue 14).

Everything else in classroom looks at one image at a time; a collection is a named set of
labelled images (scikit-learn's digits, generated shapes, a lesson's folder), and these
modules compute what the lecture's "visualise feature space" and Seein' In show across it.
Data flows top to bottom; nothing imports upwards:

* :mod:`~classroom.collections.sources`: the images and labels (no torch);
* :mod:`~classroom.collections.cache`: arrays kept in the store, atomic and validated;
* :mod:`~classroom.collections.vectors`: per-cell and pooled vectors of a layer (torch);
* :mod:`~classroom.collections.neighbours`: k nearest neighbours (scikit-learn);
* :mod:`~classroom.collections.embedding`: PCA, t-SNE (openTSNE), UMAP (umap-learn);
* :mod:`~classroom.collections.selection`: a selection's average input and activation grid;
* :mod:`~classroom.collections.patches`: maximally activating patches, receptive-field boxes;
* :mod:`~classroom.collections.properties`: visible properties measured from pixels (slant);
* :mod:`~classroom.collections.figures`: the Plotly figures the app's views show.

Importing this package is cheap: torch, scikit-learn, openTSNE, UMAP and Plotly are imported
inside the functions that need them.
"""

__all__: list[str] = []
