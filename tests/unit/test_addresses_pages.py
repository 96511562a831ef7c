"""Page planning: same pages for everyone, mail merge k pages per recipient, a page column."""

from __future__ import annotations

import types

import pytest

from c2m_tui.core.addresses import AddressChecker, PagePlan, PlanTally, mail_merge_mismatch, parse_page_range, plan_jobs
from c2m_tui.core.errors import InputError, UsageError

MAPPING = {"name": "Name", "address1": "Street", "city": "City", "state": "State", "postal_code": "Zip",
           "pages": "Pages"}


def rows(n: int, bad: set[int] = frozenset(), pages: dict[int, str] | None = None):
    """n data rows (spreadsheet rows 2..n+1); rows in ``bad`` have an unknown state."""
    for i in range(n):
        number = i + 2
        yield number, {"Name": f"Person {i}", "Street": f"{i} Main St", "City": "Reno",
                       "State": "ZZ" if number in bad else "NV", "Zip": "89501",
                       "Pages": (pages or {}).get(number, "")}


def run(plan: PagePlan, source, mapping=MAPPING):
    checker = AddressChecker(mapping)
    tally = PlanTally()
    jobs = plan_jobs(checker.check_rows(source), checker, plan, tally=tally)
    out = [(j.starting_page, j.ending_page, [a.name for a in j.recipients]) for j in jobs]
    return out, checker.report, tally


@pytest.mark.parametrize(("text", "expected"), [("3-4", (3, 4)), ("5", (5, 5)), (" 2 \u2013 3 ", (2, 3)),
                                                 ("1 to 2", (1, 2)), ("7:9", (7, 9))])
def test_parse_page_range(text, expected):
    assert parse_page_range(text) == expected


@pytest.mark.parametrize("text", ["", "0-1", "4-3", "a-b", "1-2-3", "-2"])
def test_parse_page_range_rejects(text):
    with pytest.raises(ValueError):
        parse_page_range(text)


def test_same_pages_is_one_streaming_job():
    checker = AddressChecker({k: v for k, v in MAPPING.items() if k != "pages"})
    jobs = list(plan_jobs(checker.check_rows(rows(3, bad={3})), checker, PagePlan(pdf_pages=2, same_pages=(1, 2))))
    assert len(jobs) == 1 and (jobs[0].starting_page, jobs[0].ending_page) == (1, 2)
    assert isinstance(jobs[0].recipients, types.GeneratorType)  # not a list: 100k rows stay flat
    assert [a.name for a in jobs[0].recipients] == ["Person 0", "Person 2"]
    assert checker.report.skipped_rows == [3]


def test_mail_merge_gives_each_row_its_pages_and_skipped_rows_keep_their_place():
    plan = PagePlan(pdf_pages=8, per_recipient=2)
    jobs, report, tally = run(plan, rows(4, bad={3}), {k: v for k, v in MAPPING.items() if k != "pages"})
    assert jobs == [(1, 2, ["Person 0"]), (5, 6, ["Person 2"]), (7, 8, ["Person 3"])]
    assert report.skipped_rows == [3] and tally.data_rows == 4


def test_mail_merge_mismatch_is_raised_after_the_stream():
    plan = PagePlan(pdf_pages=6, per_recipient=2, pdf_name="letters.pdf")
    with pytest.raises(InputError) as err:
        run(plan, rows(4), {k: v for k, v in MAPPING.items() if k != "pages"})
    message = str(err.value)
    assert "4 row(s) (rows 2-5) x 2 page(s) each = 8 pages, but letters.pdf has 6 pages" in message
    assert ("pages for 3 recipient(s) only; the last 1 row(s) have no pages "
            "(from data row 4, spreadsheet row 5)") in message


def test_mismatch_messages_say_which_side_is_off():
    assert mail_merge_mismatch(3, 2, 6) is None
    more = mail_merge_mismatch(2, 2, 8, "l.pdf", 2, 3)
    assert "pages for 2 more recipient(s) than the list (pages 5-8 would not be mailed)" in more
    odd = mail_merge_mismatch(3, 2, 7, "l.pdf", 2, 4)
    assert "7 is not a multiple of 2" in odd


def test_page_column_groups_consecutive_rows_and_falls_back():
    plan = PagePlan(pdf_pages=4, same_pages=(1, 2), page_column=True)
    source = rows(5, pages={4: "3-4", 5: "3-4", 6: " 3 - 4 "})
    jobs, report, _ = run(plan, source)
    assert jobs == [(1, 2, ["Person 0", "Person 1"]), (3, 4, ["Person 2", "Person 3", "Person 4"])]
    assert not report.problems


def test_bad_page_cells_reject_their_rows():
    plan = PagePlan(pdf_pages=4, page_column=True)
    jobs, report, _ = run(plan, rows(4, pages={2: "1-2", 3: "x", 4: "3-9"}))
    assert jobs == [(1, 2, ["Person 0"])]
    assert [(p.row, p.kind, p.column) for p in report.problems] == [
        (3, "bad-pages", "Pages"), (4, "bad-pages", "Pages"), (5, "bad-pages", "Pages")]
    assert "beyond the end of the PDF (4 pages)" in report.problems[1].message
    assert "empty" in report.problems[2].message
    assert report.rows_accepted == 1 and report.rows_skipped == 3


def test_plan_rejects_impossible_requests():
    with pytest.raises(InputError, match="pages 2-5: letters.pdf has only 3 page"):
        PagePlan(pdf_pages=3, pdf_name="letters.pdf", same_pages=(2, 5))
    with pytest.raises(UsageError):
        PagePlan(pdf_pages=3, same_pages=(1, 1), per_recipient=1)
    with pytest.raises(UsageError):
        PagePlan(pdf_pages=3)
    with pytest.raises(UsageError):
        PagePlan(pdf_pages=3, per_recipient=0)


# ---------------------------------------------------------------- which job mails a page


def facts(*ranges: tuple[int, int, str]):
    """Jobs as the viewer reads them from the XML: index, pages and the first recipient."""
    from c2m_tui.core.models import Address
    from c2m_tui.core.zone_check import JobFacts

    return [JobFacts(index=i, line=None, start=s, end=e, document_class="", layout="", envelope=None,
                     recipients=1, first=Address(name=name)) for i, (s, e, name) in enumerate(ranges, start=1)]


def test_a_page_of_a_one_page_merge_is_its_own_job_and_person():
    from c2m_tui.core.addresses import jobs_of_page

    jobs = facts(*[(i, i, f"Person {i:02d}") for i in range(1, 51)])
    for page in (1, 2, 3, 50):
        found = jobs_of_page(jobs, page, prefer=2)  # the job last shown does not hold the page: the page wins
        assert found.job is not None and found.job.index == page and found.more == 0
        assert found.words() == f"job {page} of 50 (pages {page}-{page}) to Person {page:02d}"


def test_a_page_in_no_job_says_so():
    from c2m_tui.core.addresses import jobs_of_page

    found = jobs_of_page(facts((1, 2, "Ada"), (4, 5, "Bob")), 3, prefer=1)
    assert found.job is None and found.words() == "in no job: not mailed"
    assert jobs_of_page([], 1).words() == "in no job: not mailed"


def test_a_page_in_several_jobs_names_the_chosen_one_and_counts_the_rest():
    from c2m_tui.core.addresses import jobs_of_page

    jobs = facts((1, 2, "Ada"), (1, 2, "Bob"), (1, 2, "Carlos"), (3, 3, "Dana"))
    assert jobs_of_page(jobs, 2).words() == "job 1 of 4 (pages 1-2) to Ada, + 2 more jobs"
    assert jobs_of_page(jobs, 1, prefer=3).words() == "job 3 of 4 (pages 1-2) to Carlos, + 2 more jobs"
    assert jobs_of_page(jobs, 1, prefer=4).words() == "job 1 of 4 (pages 1-2) to Ada, + 2 more jobs"
    assert jobs_of_page(jobs[:2], 1, prefer=2).words() == "job 2 of 2 (pages 1-2) to Bob, + 1 more job"
    assert jobs_of_page(jobs[:2], 1, prefer=2).words(of_jobs=False) == "job 2 (pages 1-2) to Bob, + 1 more job"


def test_one_job_of_the_same_pages_for_everyone_names_the_first_and_how_many_more():
    from c2m_tui.core.addresses import jobs_of_page
    from c2m_tui.core.models import Address
    from c2m_tui.core.zone_check import JobFacts

    job = JobFacts(index=1, line=None, start=1, end=2, document_class="", layout="", envelope=None,
                   recipients=50, first=Address(name="Ada"))
    assert jobs_of_page([job], 2).words() == "job 1 of 1 (pages 1-2) to Ada and 49 more"


def test_the_jobs_beside_a_page_in_no_job():
    from c2m_tui.core.addresses import job_beside_page

    jobs = facts((2, 3, "Ann"), (6, 6, "Bob"), (5, 5, "Cy"), (9, 10, "Di"))  # not in page order
    assert [job_beside_page(jobs, 7, -1), job_beside_page(jobs, 7, 1)] == [2, 4]  # Bob (page 6), Di (9)
    assert [job_beside_page(jobs, 4, -1), job_beside_page(jobs, 4, 1)] == [1, 3]  # Ann (3), Cy (5)
    assert [job_beside_page(jobs, 1, -1), job_beside_page(jobs, 11, 1)] == [None, None]  # nothing beside
