"""The årshjul: a year's plan of the quality work per level (förvaltning, verksamhetsområde/avdelning,
enhet), with activities that know what fulfils them. Plain Python.

Sources: seed 001 §2.2 (the socialchef decides an årshjul for the nämnd's quality work: when in the
year the larger activities are done and reported back); seed 004 (T1, T2, VB, VP; kvalitetsråd four
times a year before them); seed 003 §7 (plan → do → follow up: riskanalys and internkontrollplan with
the nämndplan, kvalitetsberättelse and patientsäkerhetsberättelse by 1 March).
"""
