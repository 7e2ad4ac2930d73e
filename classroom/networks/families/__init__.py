"""One module per network family; :mod:`classroom.networks.registry` lists them."""

__all__: list[str] = []
