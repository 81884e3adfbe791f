"""The ledningssystem's documents under document control (SOSFS 2011:9 4 kap.): kinds, versions and
who decides them, the review cycle, the process map and revision proposals. Plain Python."""
