"""Request and response models of /api/v1/risk/..., one module per aggregate."""
