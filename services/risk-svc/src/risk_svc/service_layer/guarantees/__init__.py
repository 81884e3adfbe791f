"""Värdighetsgarantier: adopt, change and withdraw them; each followed by indicators and by the
complaints that name it as not kept; the värdegrund's areas without one shown as gaps."""
