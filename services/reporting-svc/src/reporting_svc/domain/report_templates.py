"""What each report holds: its sections in order (Swedish headings), the figures filled in from the read
models, and the analysis text people write under each heading (docs/domain.md 7)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from platform_shared.categories import HSL
from reporting_svc.domain.periods import Granularity
from reporting_svc.domain.reports import ReportType


class FigureKind(StrEnum):
    COUNTS = "counts"  # a count table: rows by a dimension, columns by period
    LEAD_TIMES = "lead_times"
    PATTERNS = "patterns"
    COMPARISON = "comparison"  # this period against the one before
    RISK_MATRIX = "risk_matrix"  # the 4×4 matrix of sannolikhet × konsekvens (domain.md 6)
    CONTROL_STATUS = "control_status"  # the internkontrollplan's kontrollmoment: performed, missed


@dataclass(frozen=True)
class FigureSpec:
    key: str
    title: str
    kind: FigureKind
    subject: str = "deviations"
    by: str = "total"
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    only_values: tuple[str, ...] | None = None  # keep only these rows (e.g. the Lex Sarah degrees)
    granularity: Granularity | None = None  # columns other than the report's own (e.g. months)
    # Rows the nämnd always sees in its reports for a förvaltning or verksamhetsområde (anmälningar to
    # IVO, lex Sarah rapporter: domain/suppression.py); "*" is every row.
    namnd_rows: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    guidance: str  # what to write here (shown in an empty draft)
    figures: tuple[str, ...] = ()


LEX_SARAH_DEGREES = (
    "inget_missforhallande",
    "pataglig_risk_missforhallande",
    "missforhallande",
    "pataglig_risk_allvarligt",
    "allvarligt_missforhallande",
)
HSL_OUTCOMES = (
    "ingen_vardskada",
    "risk_vardskada",
    "vardskada",
    "risk_allvarlig_vardskada",
    "allvarlig_vardskada",
)
SOL_LSS = ("avvikelse", "lex_sarah")
HSL_CATEGORIES = HSL  # domain.md 6: a complaint in one of these is a health-care complaint
ALL_ROWS = ("*",)

FIGURES: dict[str, FigureSpec] = {
    f.key: f
    for f in (
        FigureSpec("avvikelser_niva", "Avvikelser per nivå (A, B, C)", FigureKind.COUNTS, by="tier"),
        FigureSpec(
            "avvikelser_typ", "Avvikelser per typ", FigureKind.COUNTS, by="type", namnd_rows=("lex_sarah",)
        ),
        FigureSpec(
            "avvikelser_manad",
            "Avvikelser per typ och månad",
            FigureKind.COUNTS,
            by="type",
            granularity=Granularity.MONTH,
            namnd_rows=("lex_sarah",),
        ),
        FigureSpec(
            "hsl_manad",
            "Avvikelser HSL per månad",
            FigureKind.COUNTS,
            by="type",
            filters={"type": ("hsl",)},
            granularity=Granularity.MONTH,
        ),
        FigureSpec("avvikelser_kategori", "Avvikelser per kategori", FigureKind.COUNTS, by="category"),
        FigureSpec(
            "privata_utforare",
            "Uppföljning av privata utförare: avtalsuppföljningar och MAS-tillsyn per resultat",
            FigureKind.COUNTS,
            subject="controls",
            by="result",
            filters={"kind": ("avtalsuppfoljning", "mas_tillsyn")},
        ),
        FigureSpec(
            "informationsplikt",
            "Informationsplikt: medarbetare informerade i tid, efter fristen och ännu inte",
            FigureKind.COUNTS,
            subject="information_dues",
            by="state",
        ),
        FigureSpec(
            "forbattringsforslag",
            "Förbättringsförslag per status i dag",
            FigureKind.COUNTS,
            subject="proposals",
            by="status",
        ),
        FigureSpec(
            "forbattringsforslag_utfall",
            "Antagna förbättringsförslag: vad de blev",
            FigureKind.COUNTS,
            subject="proposals",
            by="outcome",
            filters={"status": ("accepted",)},
        ),
        FigureSpec("avvikelser_status", "Avvikelser per status i dag", FigureKind.COUNTS, by="status"),
        FigureSpec(
            "sol_lss_kategori",
            "Fel och brister SoL/LSS per kategori",
            FigureKind.COUNTS,
            by="category",
            filters={"type": SOL_LSS},
        ),
        FigureSpec(
            "hsl_kategori",
            "Avvikelser HSL per kategori",
            FigureKind.COUNTS,
            by="category",
            filters={"type": ("hsl",)},
        ),
        FigureSpec(
            "lex_sarah_bedomning",
            "Lex Sarah: bedömning",
            FigureKind.COUNTS,
            by="degree",
            only_values=LEX_SARAH_DEGREES,
            namnd_rows=ALL_ROWS,
        ),
        FigureSpec(
            "hsl_bedomning",
            "HSL: bedömning av vårdskada",
            FigureKind.COUNTS,
            by="degree",
            only_values=HSL_OUTCOMES,
        ),
        FigureSpec(
            "ivo_anmalningar",
            "Anmälningar till IVO (lex Sarah, lex Maria)",
            FigureKind.COUNTS,
            subject="ivo_notifications",
            by="kind",
            namnd_rows=ALL_ROWS,
        ),
        FigureSpec(
            "ivo_lex_maria",
            "Anmälningar till IVO enligt lex Maria",
            FigureKind.COUNTS,
            subject="ivo_notifications",
            by="degree",
            filters={"kind": ("lex_maria",)},
            namnd_rows=ALL_ROWS,
        ),
        FigureSpec(
            "ivo_status",
            "Anmälningar till IVO: beslutade och skickade",
            FigureKind.COUNTS,
            subject="ivo_notifications",
            by="status",
            namnd_rows=ALL_ROWS,
        ),
        FigureSpec(
            "klagomal_slag",
            "Klagomål, synpunkter och beröm",
            FigureKind.COUNTS,
            subject="complaints",
            by="kind",
        ),
        FigureSpec(
            "klagomal_hsl",
            "Klagomål och synpunkter på hälso- och sjukvården",
            FigureKind.COUNTS,
            subject="complaints",
            by="kind",
            filters={"category": HSL_CATEGORIES},
        ),
        FigureSpec(
            "klagomal_kategori",
            "Klagomål och synpunkter per kategori",
            FigureKind.COUNTS,
            subject="complaints",
            by="category",
        ),
        FigureSpec(
            "personuppgiftsincidenter",
            "Personuppgiftsincidenter",
            FigureKind.COUNTS,
            subject="data_breaches",
            by="imy_required",
        ),
        FigureSpec("risker_niva", "Risker per risknivå", FigureKind.COUNTS, subject="risks", by="band"),
        FigureSpec(
            "riskmatris",
            "Riskmatris: sannolikhet och konsekvens",
            FigureKind.RISK_MATRIX,
            subject="risks",
        ),
        FigureSpec(
            "internkontrollplan",
            "Internkontrollplanen: kontrollmomentens status",
            FigureKind.CONTROL_STATUS,
            subject="controls",
        ),
        FigureSpec("risker_status", "Risker per status", FigureKind.COUNTS, subject="risks", by="status"),
        FigureSpec(
            "riskanalyser",
            "Genomförda riskanalyser",
            FigureKind.COUNTS,
            subject="risk_analyses",
            by="trigger",
        ),
        FigureSpec(
            "internkontroll",
            "Internkontroll: genomförda kontroller",
            FigureKind.COUNTS,
            subject="controls",
            by="result",
        ),
        FigureSpec(
            "egenkontroll",
            "Egenkontroller per område",
            FigureKind.COUNTS,
            subject="self_assessments",
            by="area",
        ),
        FigureSpec(
            "egenkontroll_resultat",
            "Egenkontroller: resultat",
            FigureKind.COUNTS,
            subject="self_assessments",
            by="result",
        ),
        FigureSpec("tidsfrister", "Missade tidsfrister", FigureKind.COUNTS, subject="deadlines", by="rule"),
        FigureSpec("ledtider", "Handläggningstider (median och 90:e percentil)", FigureKind.LEAD_TIMES),
        FigureSpec(
            "ledtider_hsl",
            "Handläggningstider, avvikelser HSL",
            FigureKind.LEAD_TIMES,
            filters={"type": ("hsl",)},
        ),
        FigureSpec("monster", "Mönster: kategorier som ökar eller återkommer per enhet", FigureKind.PATTERNS),
        FigureSpec(
            "jamforelse_avvikelser",
            "Jämförelse med föregående period: avvikelser per typ",
            FigureKind.COMPARISON,
            by="type",
            namnd_rows=("lex_sarah",),
        ),
        FigureSpec(
            "jamforelse_klagomal",
            "Jämförelse med föregående period: klagomål och synpunkter",
            FigureKind.COMPARISON,
            subject="complaints",
            by="kind",
        ),
    )
}


def _s(key: str, heading: str, guidance: str, *figures: str) -> Section:
    return Section(key, heading, guidance, figures)


_TERTIAL = (
    _s("sammanfattning", "Sammanfattning", "Det viktigaste från perioden i några meningar."),
    _s("maluppfyllelse", "Måluppfyllelse", "Hur väl målen för kvaliteten har nåtts under perioden."),
    _s(
        "avvikelser",
        "Avvikelser, lex Sarah och lex Maria",
        "Analys av avvikelserna per nivå och kategori, och av anmälningarna till IVO.",
        "avvikelser_niva",
        "avvikelser_typ",
        "avvikelser_manad",
        "avvikelser_kategori",
        "lex_sarah_bedomning",
        "hsl_bedomning",
        "ivo_anmalningar",
    ),
    _s(
        "klagomal",
        "Klagomål, synpunkter och beröm",
        "Vad klagomålen och synpunkterna handlar om och vad de har lett till.",
        "klagomal_slag",
        "klagomal_kategori",
    ),
    _s(
        "personuppgiftsincidenter",
        "Personuppgiftsincidenter",
        "Incidenter och anmälningar till IMY.",
        "personuppgiftsincidenter",
    ),
    _s(
        "internkontroll",
        "Internkontroll och egenkontroll",
        "Resultat av kontrollmomenten i internkontrollplanen och av egenkontrollerna.",
        "internkontrollplan",
        "internkontroll",
        "egenkontroll",
    ),
    _s(
        "risker",
        "Risker",
        "Identifierade och prioriterade risker.",
        "riskmatris",
        "risker_niva",
        "riskanalyser",
    ),
    _s(
        "handlaggning",
        "Handläggningstider och tidsfrister",
        "Hur snabbt avvikelser tas emot, utreds och avslutas; missade tidsfrister.",
        "ledtider",
        "tidsfrister",
    ),
    _s(
        "monster", "Mönster och trender", "Kategorier som ökar eller återkommer, och vad som görs.", "monster"
    ),
    _s(
        "jamforelse",
        "Jämförelse med föregående period",
        "Förändringar mot föregående period och tänkbara förklaringar.",
        "jamforelse_avvikelser",
        "jamforelse_klagomal",
    ),
    _s(
        "privata_utforare",
        "Uppföljning av privata utförare",
        "Avtalsuppföljning och avvikelser hos privata utförare.",
        "privata_utforare",
    ),
    _s("analys", "Analys och fortsatta åtgärder", "Samlad bedömning och planerade åtgärder."),
)

_KVALITETSBERATTELSE = (
    _s("sammanfattning", "Sammanfattning", "Årets kvalitetsarbete i korthet."),
    _s(
        "kvalitetsarbetet",
        "Så har kvalitetsarbetet bedrivits",
        "Ansvar, ledningssystemet, kvalitetsråd och samverkan under året (SOSFS 2011:9 7 kap.); hur "
        "medarbetarna har informerats om rapporteringsskyldigheten och om nya rutiner.",
        "informationsplikt",
    ),
    _s(
        "avvikelser",
        "Avvikelser och rapporter enligt lex Sarah",
        "Sammanställning och analys av avvikelser och lex Sarah-rapporter.",
        "avvikelser_niva",
        "avvikelser_manad",
        "avvikelser_kategori",
        "lex_sarah_bedomning",
        "ivo_anmalningar",
        "ledtider",
    ),
    _s(
        "klagomal",
        "Klagomål och synpunkter",
        "Sammanställning och analys av klagomål och synpunkter.",
        "klagomal_slag",
        "klagomal_kategori",
    ),
    _s(
        "risker_och_kontroller",
        "Riskanalyser, egenkontroller och internkontroll",
        "Vilka risker som har identifierats och hur de har hanterats; resultat av kontroller.",
        "riskmatris",
        "risker_niva",
        "riskanalyser",
        "internkontrollplan",
        "internkontroll",
        "egenkontroll",
        "egenkontroll_resultat",
    ),
    _s(
        "monster",
        "Mönster och trender",
        "Vad sammanställningarna visar över tid.",
        "monster",
        "jamforelse_avvikelser",
    ),
    _s("atgarder", "Åtgärder som har vidtagits", "Åtgärder för att säkra och utveckla kvaliteten."),
    _s("resultat", "Resultat och måluppfyllelse", "Vilka resultat som har uppnåtts."),
    _s(
        "forbattringar",
        "Förbättringsförslag och handlingsplan",
        "Medarbetarnas förbättringsförslag och hur de togs om hand; vad som ska förbättras kommande år.",
        "forbattringsforslag",
        "forbattringsforslag_utfall",
    ),
)

_PATIENTSAKERHET = (
    _s("sammanfattning", "Sammanfattning", "Årets patientsäkerhetsarbete i korthet."),
    _s("mal", "Övergripande mål och strategier", "Mål och strategier för patientsäkerheten."),
    _s(
        "ansvar",
        "Organisatoriskt ansvar för patientsäkerhetsarbetet",
        "Vårdgivaren, verksamhetschef, MAS/MAR.",
    ),
    _s("samverkan", "Samverkan för att förebygga vårdskador", "Samverkan med regionen och andra vårdgivare."),
    _s(
        "egenkontroll",
        "Egenkontroll",
        "Genomförda egenkontroller och deras resultat.",
        "egenkontroll_resultat",
    ),
    _s(
        "riskanalys", "Riskanalys", "Hur risker för vårdskador har identifierats och minskats.", "risker_niva"
    ),
    _s(
        "handelser",
        "Utredning av händelser: vårdskador",
        "Avvikelser inom hälso- och sjukvården, bedömningar och anmälningar enligt lex Maria.",
        "hsl_manad",
        "hsl_kategori",
        "hsl_bedomning",
        "ivo_lex_maria",
        "ledtider_hsl",
    ),
    _s(
        "klagomal",
        "Klagomål och synpunkter",
        "Hur klagomål och synpunkter på hälso- och sjukvården har tagits om hand.",
        "klagomal_hsl",
    ),
    _s(
        "resultat",
        "Resultat och vidtagna åtgärder",
        "Resultat som har uppnåtts och åtgärder som har vidtagits.",
    ),
    _s("kommande_ar", "Mål och strategier för kommande år", "Planerat patientsäkerhetsarbete."),
)

_KVALITETSRAD = (
    _s("maluppfyllelse", "Måluppfyllelse", "Hur målen har uppfyllts."),
    _s(
        "klagomal",
        "Klagomål, synpunkter och beröm",
        "Genomgång av inkomna klagomål, synpunkter och beröm.",
        "klagomal_slag",
        "klagomal_kategori",
    ),
    _s(
        "internkontroll",
        "Internkontroll (risk- och väsentlighetsanalys, genomförda kontroller)",
        "Genomförda kontroller och riskanalyser.",
        "internkontrollplan",
        "internkontroll",
        "riskanalyser",
        "riskmatris",
        "risker_niva",
    ),
    _s(
        "fel_och_brister",
        "Fel och brister SoL/LSS",
        "Avvikelser och lex Sarah-rapporter inom SoL och LSS.",
        "avvikelser_manad",
        "sol_lss_kategori",
        "avvikelser_status",
    ),
    _s(
        "avvikelser_hsl",
        "Avvikelser HSL",
        "Avvikelser inom hälso- och sjukvården.",
        "hsl_manad",
        "hsl_kategori",
    ),
    _s("hsl_indikatorer", "HSL-indikatorer", "Indikatorer för hälso- och sjukvården."),
    _s(
        "lex_sarah_maria",
        "Domar, lex Sarah och lex Maria",
        "Rapporter, bedömningar och anmälningar till IVO; domar.",
        "lex_sarah_bedomning",
        "hsl_bedomning",
        "ivo_status",
    ),
    _s("budget", "Budget", "Ekonomiskt läge."),
    _s("ej_verkstallda", "Ej verkställda beslut", "Beslut som inte har verkställts."),
    _s(
        "jamforelsetal",
        "Jämförelsetal",
        "Jämförelse med föregående period.",
        "jamforelse_avvikelser",
        "monster",
    ),
    _s("tillsyn", "Inspektioner och tillsyn", "Tillsyn och inspektioner under perioden."),
    _s(
        "uppfoljningar",
        "Uppföljningar",
        "Uppföljning av tidigare beslut och åtgärder.",
        "tidsfrister",
        "ledtider",
    ),
)

# The plan for the coming year (seed 003 §7.2, seed 004 "VP"): built on the analysis of earlier
# years' results; its sections are plans, so they carry no figures of the plan year.
_VERKSAMHETSPLAN = (
    _s(
        "utgangslage",
        "Utgångsläge",
        "Analys av tidigare års resultat och kvalitetsarbete som planeringen bygger på.",
    ),
    _s(
        "mal_och_aktiviteter",
        "Mål och aktiviteter",
        "Årets mål på varje nivå, indikatorerna med målvärden och gränsvärden, och de aktiviteter som "
        "ska genomföras under året för att nå kvalitetsmålen.",
    ),
    _s(
        "riskanalys_och_internkontroll",
        "Riskanalys och internkontrollplan",
        "Årets risk- och väsentlighetsanalys och internkontrollplanens kontrollmoment, "
        "avtalsuppföljning och MAS-tillsyn hos privata utförare inräknade.",
    ),
    _s(
        "kvalitetsrad_och_uppfoljning",
        "Plan för kvalitetsråd och uppföljningar",
        "När kvalitetsråden hålls (inför T1, T2, VB och VP) och övriga uppföljnings- och analystillfällen.",
    ),
    _s(
        "processer_och_rutiner",
        "Genomgång av processer och rutiner",
        "Vilka processer och rutiner som ska gås igenom och hur tillämpningen kontrolleras.",
    ),
    _s(
        "brukarundersokningar",
        "Brukarundersökningar och brukardialog",
        "Planerade brukarundersökningar, brukardialoger och medarbetarenkäter.",
    ),
    _s("granskningar", "Granskningar", "Planerade granskningar, avtalsuppföljningar och egenkontroller."),
)

TEMPLATES: dict[ReportType, tuple[Section, ...]] = {
    ReportType.T1: _TERTIAL,
    ReportType.T2: _TERTIAL,
    ReportType.VB: _TERTIAL,
    ReportType.KB: _KVALITETSBERATTELSE,
    ReportType.PSB: _PATIENTSAKERHET,
    ReportType.KVALITETSRAD: _KVALITETSRAD,
    ReportType.VP: _VERKSAMHETSPLAN,
}


def sections_of(report_type: ReportType) -> tuple[Section, ...]:
    return TEMPLATES[report_type]


def figure_keys(report_type: ReportType) -> list[str]:
    found: list[str] = []
    for section in TEMPLATES[report_type]:
        found += [k for k in section.figures if k not in found]
    return found
