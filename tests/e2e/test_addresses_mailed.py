"""Issue 11: addresses people really export are mailed, not lost. An Outlook export whose contacts
have only a Home address (the Business columns empty) and a Google export whose contact has only a
PO Box are mapped by `build-xml` and sent to the simulator; every person is in what was submitted."""

from __future__ import annotations

import csv
from pathlib import Path

from c2m_tui.core.batchxml import read_batch
from tests.conftest import make_pdf
from tests.e2e.helpers import run_cli

OUTLOOK = ["First Name", "Last Name", "Company", "Business Street", "Business City", "Business State",
           "Business Postal Code", "Business Country/Region", "Home Street", "Home City", "Home State",
           "Home Postal Code", "Home Country/Region", "E-mail Address"]
GOOGLE = ["First Name", "Last Name", "Organization Name", "Address 1 - Label", "Address 1 - Street",
          "Address 1 - City", "Address 1 - PO Box", "Address 1 - Region", "Address 1 - Postal Code",
          "Address 1 - Country"]


def write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def build_and_send(sim, tmp_path: Path, addresses: Path) -> list:
    pdf = make_pdf(tmp_path / "letter.pdf", 1)
    out = tmp_path / "batch.xml"
    r = run_cli("build-xml", "--addresses", str(addresses), "--pdf", str(pdf), "--same-pages", "1", "-o", str(out))
    assert r.code == 0, r.err
    r = run_cli("send", "--pdf", str(pdf), "--xml", str(out), "--yes", sim=sim)
    assert r.code == 0, r.err
    (state,) = [b for b in sim.state()["batches"] if b["id"] == r.last_line]
    assert state["submitted"] and not state["hasErrors"]
    (job,) = read_batch(out).batch.jobs
    return list(job.recipients)


def test_outlook_home_only_contacts_are_mailed_at_home(sim, tmp_path):
    path = write_csv(tmp_path / "outlook.csv", OUTLOOK, [
        ["Jane", "Doe", "Acme", "1 Main St", "Boston", "MA", "02134", "United States", "", "", "", "", "", ""],
        ["Maria", "Garcia", "", "", "", "", "", "", "77 Pine Rd", "Austin", "TX", "78701", "United States", ""],
        ["Tom", "Hale", "", "", "", "", "", "", "3 Elm St", "Burlington", "VT", "5401", "", ""],  # lost zero too
    ])
    people = build_and_send(sim, tmp_path, path)
    assert [(a.name, a.address1, a.city, a.state, a.postal_code) for a in people] == [
        ("Jane Doe", "1 Main St", "Boston", "MA", "02134"),
        ("Maria Garcia", "77 Pine Rd", "Austin", "TX", "78701"),
        ("Tom Hale", "3 Elm St", "Burlington", "VT", "05401"),
    ]


def test_google_po_box_only_contact_is_mailed_to_the_box(sim, tmp_path):
    path = write_csv(tmp_path / "google.csv", GOOGLE, [
        ["Erin", "Gray", "", "Home", "5 Cedar Ct", "Miami", "", "FL", "33101", "United States"],
        ["Sam", "Ortiz", "", "Home", "", "Santa Fe", "1234", "NM", "87501", "United States"],
        ["Kim", "Lo", "", "Work", "", "Reno", "PO Box 9", "NV", "89501", "United States"],
    ])
    people = build_and_send(sim, tmp_path, path)
    assert [(a.name, a.address1, a.city) for a in people] == [
        ("Erin Gray", "5 Cedar Ct", "Miami"), ("Sam Ortiz", "PO Box 1234", "Santa Fe"), ("Kim Lo", "PO Box 9", "Reno")]
