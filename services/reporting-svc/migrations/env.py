from platform_shared.migrations import run_env
from reporting_svc.adapters.orm import Base

run_env(Base.metadata)
