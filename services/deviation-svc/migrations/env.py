from deviation_svc.adapters.orm import Base
from platform_shared.migrations import run_env

run_env(Base.metadata)
