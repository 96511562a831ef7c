"""Click2Mail's product catalog (reference §3.2) and the checks of a job's print options against it.

The matrix is the official C# SDK 2.0 ``ProductOptions.cs`` (2022), plus the values working
clients use that it lacks (reference §9.5: ``Postcard 3.5 x 5``, ``EDDM Mailer 8.5 x 11``, ``Flyer
8.5 x 11``, ``Within 7 Days``). Money is at stake, so a value the catalog does not know is an
*error* with the nearest catalog value as a suggestion ("First-Class": did you mean "First Class"?),
unless the caller allows unknown options (``--allow-unknown-options``, the app's override) for a
value Click2Mail accepts but the catalog lacks: then it is a warning. A value differing only in case
or spacing stays a warning naming the catalog spelling. A value the catalog knows but not for this
documentClass (an envelope for a postcard, a postcard layout on a letter) is always an error: the
server is known to refuse such "invalid SKU settings".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from c2m_tui.core.models import PrintOptions

FIELDS = ("layout", "productionTime", "envelope", "color", "paperType", "printOption", "mailClass")

_BOTH_SIDES = ("Printing One side", "Printing both sides")
_DUPLEX = ("Printing both sides",)
_BW_COLOR = ("Black and White", "Full Color")
_FULL_COLOR = ("Full Color",)
_NEXT_DAY = ("Next Day",)
_SAME_DAY = ("Same Day",)
# "Within 7 Days": seen in working clients, absent from ProductOptions.cs (reference §9.5)
_POSTCARD_TIMES = ("Next Day", "Within 3 Days", "Within 7 Days") + tuple(f"Week {n}" for n in range(1, 13))
_LETTER_PAPER = ("White 24#", "Off-White 28#", "Canary 24#", "White 28#", "White 28# Matte")
_BOOKLET_PAPER = ("White 24#", "Off-White 28#", "Canary 24#", "High Quality Paper")
_POSTCARD_PAPER = (
    "White Matte with Gloss UV Finish",
    "White Matte",
    "Yellow 65# Uncoated",
    "Green 65# Uncoated",
    "Printers Choice",
    "Pink 65# Uncoated",
    "White Uncoated",
)
_LETTER_LAYOUTS = (
    "Address on Separate Page",
    "Address on First Page",
    "Picture and Address First Page",
    "Address Back Page",
    "Address on Separate Page w/EQC",
)
_LETTER_ENVELOPES = (
    "#10 Double Window",
    "Best Fit",
    "#10 Open Window Envelope",
    "6 x 9.5 Double Window",
    "6 x 9.5 Open Window",
    "Flat Envelope",
)
_FIRST_CLASS_STAMPS = ("First Class", "Standard", "First Class Live Stamp", "First Class Specialty Stamp")
_LETTER_MAIL = _FIRST_CLASS_STAMPS + ("First Class No Move Update",)
_POSTCARD_LAYOUTS = (
    "Single Sided Postcard",
    "Portrait Single Sided Postcard",
    "Double Sided Postcard",
    "Portrait Double Sided Postcard",
    "Picture Postcard",
    "Portrait Picture Postcard",
    "Vertical Split Postcard",
    "Portrait Vertical Split Postcard",
)
_DOUBLE_SIDED = ("Double Sided Postcard", "Portrait Double Sided Postcard")
_VERTICAL_SPLIT = ("Vertical Split Postcard", "Portrait Vertical Split Postcard")
_CERTIFIED_MAIL = (
    "Certified Mail",
    "Cert. w/electronic return receipt",
    "Cert. w/rtn. and restricted delivery",
    "Certified Mail w/return receipt",
    "Certified Mail No Move Update",
    "Cert. w/ERR No Move Update",
)


def _entry(layout, envelope, paper, print_option, mail, time, color=_BW_COLOR) -> dict[str, tuple[str, ...]]:
    return {
        "layout": layout,
        "envelope": envelope,
        "paperType": paper,
        "printOption": print_option,
        "mailClass": mail,
        "productionTime": time,
        "color": color,
    }


# documentClass -> element name -> allowed values; envelope () means "no envelope" (omit it or leave it empty)
CATALOG: dict[str, dict[str, tuple[str, ...]]] = {
    "Letter 8.5 x 11": _entry(_LETTER_LAYOUTS, _LETTER_ENVELOPES, _LETTER_PAPER, _BOTH_SIDES, _LETTER_MAIL, _NEXT_DAY),
    "Letter 8.5 x 14": _entry(
        _LETTER_LAYOUTS[:-1], _LETTER_ENVELOPES[:-1], _LETTER_PAPER, _BOTH_SIDES, _FIRST_CLASS_STAMPS, _NEXT_DAY
    ),
    "Certified Letter 8.5 x 11": _entry(
        ("Address on Separate Page",),
        (
            "Certified Mail Letter Envelope",
            "Best Fit",
            "Certified Mail 6 x 9.5 Envelope",
            "Certified Mail Flat Envelope",
        ),
        ("White 24#",),
        _BOTH_SIDES,
        _CERTIFIED_MAIL,
        _NEXT_DAY,
    ),
    "Priority Mail Letter 8.5 x 11": _entry(
        ("Address on Separate Page",),
        ("Flat Rate USPS Priority Mail", "Best Fit", "Priority Flat Rate Box"),
        ("White 24#",),
        _BOTH_SIDES,
        ("Priority Mail with Delivery Confirmation", "Priority Mail with Signature Confirmation"),
        _SAME_DAY,
    ),
    # two spaces before "8.5", exactly as in Click2Mail's own source
    "Priority Express Letter  8.5 x 11": _entry(
        ("Address on Separate Page",),
        ("Flat Rate USPS Priority Mail Express",),
        ("White 24#",),
        _BOTH_SIDES,
        ("Priority Mail Express with Signature Required", "Priority Mail Express No Signature Required"),
        _SAME_DAY,
    ),
    "Reply Letter 8.5 x 11": _entry(
        ("Courtesy Reply Letter",),
        ("#10 Eco-Envelope - CRM",),
        _LETTER_PAPER[:3],
        _BOTH_SIDES,
        _FIRST_CLASS_STAMPS,
        _NEXT_DAY,
    ),
    "Booklet 8.5 x 11 Address Front Page": _entry(
        ("Address on First Page",), ("Flat Envelope",), _BOOKLET_PAPER, _DUPLEX, ("First Class", "Standard"), _NEXT_DAY
    ),
    "Booklet Self Mailer 8.5 x 11": _entry(
        ("Self Mailer",), (), _BOOKLET_PAPER, _DUPLEX, _FIRST_CLASS_STAMPS, _NEXT_DAY
    ),
    "Certified Self Mailer 8.5 x 11": _entry(
        ("Self Mailer",), (), ("Postcard Stock",), _DUPLEX, _CERTIFIED_MAIL[:2], _NEXT_DAY
    ),
    "Postcard 4.25 x 6": _entry(
        _POSTCARD_LAYOUTS, (), _POSTCARD_PAPER, _DUPLEX, ("First Class", "First Class Live Stamp"), _POSTCARD_TIMES
    ),
    "Postcard 5 x 8": _entry(
        _DOUBLE_SIDED + ("Single Sided Postcard", "Portrait Single Sided Postcard"),
        (),
        _POSTCARD_PAPER,
        _DUPLEX,
        _FIRST_CLASS_STAMPS,
        _POSTCARD_TIMES,
    ),
    # reference §9.5: used by working clients (btb), absent from ProductOptions.cs; sized like 4.25 x 6
    "Postcard 3.5 x 5": _entry(
        _DOUBLE_SIDED + ("Single Sided Postcard", "Portrait Single Sided Postcard"),
        (),
        _POSTCARD_PAPER,
        _DUPLEX,
        ("First Class", "First Class Live Stamp"),
        _POSTCARD_TIMES,
    ),
    "Postcard 6 x 9": _entry(_DOUBLE_SIDED, (), _POSTCARD_PAPER, _DUPLEX, _FIRST_CLASS_STAMPS, _POSTCARD_TIMES),
    "Postcard 6 x 11": _entry(
        _DOUBLE_SIDED, (), ("White Matte with Gloss UV Finish",), _DUPLEX, _FIRST_CLASS_STAMPS, _POSTCARD_TIMES,
        _FULL_COLOR,
    ),
    "Postcard 4 x 9": _entry(_VERTICAL_SPLIT, (), _POSTCARD_PAPER, _DUPLEX, _FIRST_CLASS_STAMPS, _POSTCARD_TIMES),
    "Rack Card 4 x 9": _entry(
        _VERTICAL_SPLIT, (), _POSTCARD_PAPER, _DUPLEX, ("First Class", "Standard"), _POSTCARD_TIMES
    ),
    "Reply Mail Postcard 4.25 x 6": _entry(
        ("Business Reply Postcard", "Courtesy Reply Postcard"),
        (),
        ("White Matte",),
        _DUPLEX,
        ("First Class", "First Class No Move Update"),
        _NEXT_DAY,
    ),
    "Note Card - Folded 4.25 x 5.5": _entry(
        ("Notecard - Folded",),
        ("Address Printed On Envelope",),
        ("120# White Uncoated",),
        _DUPLEX,
        ("First Class", "First Class Live Stamp", "First Class Specialty Stamp"),
        _NEXT_DAY,
    ),
    "Brochure 11 x 8.5": _entry(
        ("Self Mailer", "Self Mailer with Message Area on Address Panel"),
        (),
        ("100# White Gloss",),
        _DUPLEX,
        _FIRST_CLASS_STAMPS,
        _POSTCARD_TIMES,
        _FULL_COLOR,
    ),
}

# every value the catalog knows for a field, any documentClass, in first-seen order
KNOWN_VALUES: dict[str, tuple[str, ...]] = {
    name: tuple(dict.fromkeys(v for entry in CATALOG.values() for v in entry[name])) for name in FIELDS
}

# products working clients send whose option matrix no source gives (reference §9.5): each option
# is checked against every value the catalog knows, and no envelope rule is applied
OPEN_CLASSES = ("EDDM Mailer 8.5 x 11", "Flyer 8.5 x 11")
KNOWN_VALUES["documentClass"] = tuple(CATALOG) + OPEN_CLASSES


@dataclass(slots=True, frozen=True)
class OptionProblem:
    """One problem with a print option. ``field`` is the XML element name (``mailClass``)."""

    field: str
    value: str
    severity: str  # "error" | "warning"
    message: str
    suggestion: str | None = None
    unknown: bool = False  # outside the catalog (what --allow-unknown-options lets through)


def _squash(value: str) -> str:
    """Compare values ignoring case and spacing: ``FirstClass`` ~ ``First Class``."""
    return "".join(value.split()).casefold()


def nearest(value: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The catalog value a person most likely meant, or None when nothing is close."""
    if not choices:
        return None
    squashed = {_squash(c): c for c in choices}
    if _squash(value) in squashed:
        return squashed[_squash(value)]
    match = difflib.get_close_matches(_squash(value), list(squashed), n=1, cutoff=0.6)
    return squashed[match[0]] if match else None


def _options_dict(opts: PrintOptions) -> dict[str, str | None]:
    return {xml: getattr(opts, attr) for attr, xml in PrintOptions.ELEMENTS}


def resolve_document_class(value: str) -> str | None:
    """The catalog's spelling of a documentClass given in any case or spacing, or None if unknown."""
    if value in CATALOG:
        return value
    squashed = _squash(value)
    return next((c for c in CATALOG if _squash(c) == squashed), None)


def _listing(values: tuple[str, ...], limit: int = 6) -> str:
    shown = ", ".join(f'"{v}"' for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def option_problems(opts: PrintOptions, *, allow_unknown: bool = False) -> list[OptionProblem]:
    """Check one job's print options against the catalog; an empty list means they look right.
    A value outside the catalog is an error, or a warning with ``allow_unknown``."""
    unknown = "warning" if allow_unknown else "error"
    values = _options_dict(opts)
    problems: list[OptionProblem] = []
    doc_class = (values["documentClass"] or "").strip()
    if not doc_class:
        return [OptionProblem("documentClass", "", "error", "documentClass is empty: choose a product, "
                              f"e.g. {_listing(tuple(CATALOG), 3)}", "Letter 8.5 x 11")]
    canonical = resolve_document_class(doc_class)
    open_class = next((c for c in OPEN_CLASSES if _squash(c) == _squash(doc_class)), None)
    if canonical is None and open_class is not None:
        if open_class != doc_class:
            problems.append(_spelling_problem("documentClass", doc_class, open_class))
        allowed_by_field = KNOWN_VALUES
    elif canonical is None:
        guess = nearest(doc_class, KNOWN_VALUES["documentClass"])
        problems.append(OptionProblem(
            "documentClass", doc_class, unknown,
            f'documentClass "{doc_class}" is not in the product catalog; Click2Mail may refuse it'
            + (f' (did you mean "{guess}"?)' if guess else ""),
            guess, unknown=True,
        ))
        allowed_by_field = KNOWN_VALUES  # unknown product: only check that each value exists somewhere
    else:
        if canonical != doc_class:
            problems.append(_spelling_problem("documentClass", doc_class, canonical))
        allowed_by_field = CATALOG[canonical]
    for name in FIELDS:
        problem = _field_problem(name, values[name], allowed_by_field[name], canonical or doc_class, canonical is None,
                                 unknown)
        if problem is not None:
            problems.append(problem)
    return problems


def _spelling_problem(name: str, value: str, canonical: str) -> OptionProblem:
    return OptionProblem(
        name, value, "warning",
        f'{name} "{value}" differs from the catalog spelling "{canonical}" only in case or spacing; '
        "Click2Mail may match it exactly",
        canonical,
    )


def _field_problem(
    name: str, raw: str | None, allowed: tuple[str, ...], doc_class: str, class_unknown: bool,
    unknown: str = "error",
) -> OptionProblem | None:
    value = (raw or "").strip()
    if name == "envelope":
        if not value:
            if allowed or class_unknown:
                return None if class_unknown else OptionProblem(
                    name, "", "error", f'"{doc_class}" is mailed in an envelope: choose one of {_listing(allowed)}',
                    allowed[0],
                )
            return None
        if not allowed and not class_unknown:
            return OptionProblem(
                name, value, "error",
                f'"{doc_class}" is mailed without an envelope: remove envelope "{value}" (leave it empty)', None,
            )
    elif not value:
        return OptionProblem(name, "", "error", f"{name} is empty: choose one of {_listing(allowed)}",
                             allowed[0] if allowed else None)
    if value in allowed:
        return None
    same = next((a for a in allowed if _squash(a) == _squash(value)), None)
    if same is not None:
        if same.casefold() == value.casefold() or " ".join(same.split()) == " ".join(value.split()):
            return _spelling_problem(name, value, same)
        # same letters, missing or extra spaces ("FirstClass"): not just case, so warn as unknown
    known_elsewhere = value in KNOWN_VALUES[name]
    if known_elsewhere and not class_unknown:
        return OptionProblem(
            name, value, "error",
            f'{name} "{value}" is not offered for "{doc_class}"; allowed: {_listing(allowed)}',
            nearest(value, allowed),
        )
    guess = nearest(value, allowed)
    return OptionProblem(
        name, value, unknown,
        f'{name} "{value}" is not in the product catalog' + (f' (did you mean "{guess}"?)' if guess else ""),
        guess, unknown=True,
    )


# --------------------------------------------------------------------------------- address zones
#
# Where Click2Mail puts the recipient's address on a piece, as a rectangle on the page of the PDF
# (inches from the page's top-left corner, the page upright). No Click2Mail template or document
# specification with measurements could be found (searched: Click2Mail's help and knowledge base,
# its SDKs, its API documentation); every rectangle below is therefore INFERRED, from:
#   [W10] the standard #10 window: 4½ × 1⅛ in, ⅞ in from the left and ½ in from the bottom of a
#         4⅛ × 9½ in envelope (USPS and envelope makers' common specification);
#   [PM]  a comparable print-and-mail service's letter guide (PostalMethods): the recipient block
#         0.5 in from the left and 2.042 in from the top, at most 3.5 × 0.875 in, the return
#         block 0.5 in / 0.5 in, 3.5 × 0.792 in; both already allow for the sheet shifting;
#   [USPS] the address-side clear zone of cards and self-mailers: 4 × 2⅝ in in the bottom-right
#         corner, for the address and the barcode;
#   [SIM] our simulator's proof, which prints the block 0.75 in from the left, 2 in from the top.
# A letter tri-folded into a #10 envelope shows through the window the band about 2.0-3.6 in
# from the top (the sheet moves about ½ in up and down, 1 in sideways), hence the recipient zone.

@dataclass(slots=True, frozen=True)
class AddressZone:
    """A rectangle of a page where an address goes. ``page``: "first" (the job's first page),
    "last" (its last page: a postcard's address side) or "separate" (a page Click2Mail adds, so
    nothing of the PDF is under it). ``prints_over``: Click2Mail prints the block over whatever the
    PDF has there (ink there is an error); otherwise the zone is only seen through a window
    (a warning)."""

    name: str
    left: float
    top: float
    width: float
    height: float
    page: str
    prints_over: bool
    source: str
    inferred: bool = True

    def box(self, width_in: float, height_in: float) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in inches on a page of that size; a zone given from the right
        or bottom (negative left/top) is placed from those edges."""
        left = self.left if self.left >= 0 else width_in + self.left - self.width
        top = self.top if self.top >= 0 else height_in + self.top - self.height
        return left, top, left + self.width, top + self.height

    def describe(self) -> str:
        where = "the first page" if self.page == "first" else "the last page" if self.page == "last" else "an added page"
        return (f"{self.name} zone, {self.width:g} × {self.height:g} in on {where}"
                f"{' (inferred)' if self.inferred else ''}")


_LETTER_RECIPIENT = AddressZone("recipient address", 0.5, 1.75, 4.0, 1.5, "first", True,
                                "[W10] tri-folded, with the sheet's shift; [PM]; [SIM]")
_LETTER_RETURN = AddressZone("return address", 0.5, 0.5, 3.5, 0.875, "first", False,
                             "[PM] return window of a #10 double window envelope")
_SEPARATE_RECIPIENT = AddressZone("recipient address", 0.5, 1.75, 4.0, 1.5, "separate", False,
                                  "[W10] on the address page Click2Mail adds")
_CARD_ADDRESS = AddressZone("address and barcode", -0.0, -0.0, 4.0, 2.625, "last", True,
                            "[USPS] bottom-right clear zone of the address side")

_FIRST_PAGE_LAYOUTS = ("Address on First Page", "Picture and Address First Page")
_SEPARATE_LAYOUTS = ("Address on Separate Page", "Address on Separate Page w/EQC")
_DOUBLE_WINDOWS = ("#10 Double Window", "6 x 9.5 Double Window", "Best Fit")


def adds_address_sheet(layout: str | None) -> bool:
    """Whether Click2Mail prints an address sheet of its own in front of each piece's pages
    ("Address on Separate Page": the PDF starts with the letter; reference §3.2)."""
    return (layout or "").strip() in _SEPARATE_LAYOUTS


def address_zones(document_class: str, layout: str, envelope: str | None) -> tuple[AddressZone, ...]:
    """The zones of a job's print options, most important first; () where none is known (the
    address printed on the envelope, a back page, a self-mailer's panel: not modelled)."""
    doc_class = resolve_document_class(document_class or "") or (document_class or "")
    layout = (layout or "").strip()
    if layout in _FIRST_PAGE_LAYOUTS and not doc_class.startswith(("Postcard", "Rack Card")):
        double = (envelope or "").strip() in _DOUBLE_WINDOWS
        return (_LETTER_RECIPIENT, _LETTER_RETURN) if double else (_LETTER_RECIPIENT,)
    if layout in _SEPARATE_LAYOUTS:
        return (_SEPARATE_RECIPIENT,)
    if layout in _DOUBLE_SIDED:
        return (_CARD_ADDRESS,)
    return ()


def page_size_in(document_class: str) -> tuple[float, float] | None:
    """A product's sheet size in inches from its name (``Letter 8.5 x 11`` -> (8.5, 11.0)), or None."""
    import re

    match = re.search(r"(\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)", document_class or "")
    return (float(match.group(1)), float(match.group(2))) if match else None


def is_card(document_class: str) -> bool:
    """Cards are drawn either way up (a 4.25 x 6 postcard is as often 6 wide as 4.25)."""
    return (document_class or "").startswith(("Postcard", "Rack Card", "Reply Mail Postcard", "Note Card", "Brochure"))
