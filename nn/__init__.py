"""nn: a tiny neural-network layer built only from :class:`autograd_lite.Value`."""
