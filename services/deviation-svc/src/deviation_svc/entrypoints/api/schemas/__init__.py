"""Request and response models of deviation-svc, one module per aggregate (shape only; rules live in
domain/)."""
