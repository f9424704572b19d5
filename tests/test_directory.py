"""The directory of places: nearest centers (haversine, worked by hand), its checker, production, CLI."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.directory import app
from bot.complaint.directory import CenterKind, Directory, distance_km, inside_mexico
from bot.complaint.directory_file import data_problems, directory_problems, load_directory
from bot.complaint.hours import next_opening
from bot.core.phones import phone_ok, phone_text
from bot.errors import InputError
from bot.followups import staff_notice
from bot.problems import Severity

PER_DEGREE = 6371 * math.pi / 180  # 111.195 km along a meridian


def _directory(tmp_path: Path, centers: str, head: str = "") -> Path:
    path = tmp_path / "directory.yaml"
    path.write_text(f"{head}centers:\n{centers}", encoding="utf-8")
    return path


def _center(id: str, lat: float, lon: float, extra: str = "") -> str:
    return (f"  - {{id: {id}, name: Centro de ejemplo {id}, kind: worker_center, states: [CDMX],"
            f" coordinates: [{lat}, {lon}], example: true{extra}}}\n")


# -- distances -------------------------------------------------------------------------------------

def test_distance_along_a_meridian_is_the_radius_times_the_angle() -> None:
    # 0.5° of latitude: 6371 km × 0.5 × π/180 = 55.597 km; 1°: 111.195 km.
    assert distance_km(19.0, -99.0, 19.5, -99.0) == pytest.approx(55.597, abs=0.001)
    assert distance_km(19.0, -99.0, 20.0, -99.0) == pytest.approx(111.195, abs=0.001)


def test_distance_along_a_parallel_shrinks_with_the_cosine_of_the_latitude() -> None:
    # 1° of longitude at 19° N: 2 × 6371 × asin(cos 19° × sin 0.5°)
    # = 12742 × asin(0.945519 × 0.0087265) = 12742 × 0.0082512 = 105.137 km.
    assert distance_km(19.0, -99.0, 19.0, -98.0) == pytest.approx(105.137, abs=0.01)


def test_nearest_three_with_their_distances(tmp_path: Path) -> None:
    path = _directory(tmp_path, _center("a", 19.5, -99.0) + _center("b", 20.0, -99.0)
                      + _center("c", 21.0, -99.0) + _center("e", 19.0, -98.0)
                      + "  - {id: national, name: Oficina nacional, kind: defense_federal, states: [all],"
                        " source: prueba}\n")
    directory = load_directory(path, production=False)
    found = [(center.id, round(km, 1)) for center, km in directory.nearest(19.0, -99.0)]
    # e is 1° of longitude away but nearer than b, 1° of latitude away; c (222.4 km) is fourth;
    # the national office has no coordinates.
    assert found == [("a", 55.6), ("e", 105.1), ("b", 111.2)]


def test_nearest_can_look_for_a_service(tmp_path: Path) -> None:
    path = _directory(tmp_path, _center("a", 19.5, -99.0)
                      + _center("b", 20.0, -99.0, ", services: [child_labor]"))
    directory = load_directory(path, production=False)
    assert [c.id for c, _ in directory.nearest(19.0, -99.0, service="child_labor")] == ["b"]


# -- the shipped files and the checker -----------------------------------------------------------------

def test_the_shipped_data_files_have_no_errors() -> None:
    problems = data_problems()
    assert [p.render() for p in problems if p.severity is Severity.ERROR] == []
    # Unconfirmed entries are listed for staff as warnings.
    assert {p.code for p in problems} <= {"data-check"}


def test_the_shipped_directory_has_the_national_institutions_with_sources() -> None:
    directory = load_directory(production=True)
    national = {c.id: c for c in directory.centers if c.serves_all}
    assert {"cfcrl", "profedet"} <= set(national)
    assert national["cfcrl"].web == "https://www.gob.mx/cfcrl"
    assert all(c.source for c in directory.centers)


def test_production_never_offers_example_entries() -> None:
    development = load_directory(production=False)
    production = load_directory(production=True)
    assert any(c.example for c in development.centers)
    assert not any(c.example for c in production.centers)
    assert development.default_center == "ejemplo_cdmx" and production.default_center is None


def test_the_environment_does_not_decide_what_a_loader_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production is the caller's word (the settings), never read from the environment here."""
    monkeypatch.setenv("LABOR_BOT_ENV", "production")
    assert any(c.example for c in load_directory().centers)


def test_a_data_folder_with_only_some_files_has_no_problems(tmp_path: Path) -> None:
    _directory(tmp_path, _center("a", 19.5, -99.0))
    assert data_problems(tmp_path) == []


def test_every_mistake_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _directory(tmp_path, head="default_center: nowhere\n", centers="""\
  - id: a
    name: Centro de ejemplo a
    kind: worker_center
    example: true
    states: [Narnia]
  - id: a
    name: Centro de ejemplo otra vez
    kind: worker_center
    example: true
    states: [JAL]
    coordinates: [40.71, -74.0]
  - id: swapped
    name: Centro real
    kind: worker_center
    states: [Nuevo León]
    coordinates: [-100.31, 25.68]
    phone: "123"
    whatsapp: "911"
    hours: {monday-fri: "9-18"}
  - id: fake
    name: Centro Obrero
    kind: worker_center
    example: true
    states: [all]
  - id: typo
    name: Centro de ejemplo typo
    kind: worker_centre
    states: [JAL]
""")
    found = {(p.code, p.line) for p in directory_problems(path)}
    assert found >= {
        ("directory-unknown-default", 1),
        ("directory-state", 7),
        ("data-duplicate-id", 8),
        ("directory-coordinates", 13),
        ("data-no-source", 14),
        ("directory-coordinates", 18),
        ("data-phone", 19),
        ("data-phone", 20),
        ("directory-hours", 21),
        ("data-example-name", 23),
        ("data-invalid", 29),
    }
    with pytest.raises(InputError, match="directory.yaml:"):
        load_directory(path, production=False)


def test_a_yaml_syntax_error_says_where(tmp_path: Path) -> None:
    path = _directory(tmp_path, "  - {id: a, name: [unclosed\n")
    (problem,) = directory_problems(path)
    assert problem.code == "yaml-syntax" and problem.line == 2


@pytest.mark.parametrize(("number", "valid"), [
    ("911", True), ("800 911 7877", True), ("55 1234 5678", True), ("+52 33 1234 5678", True),
    ("+1 202 693 4770", True), ("123", False), ("55 1234", False), ("hola", False),
])
def test_phone_numbers_are_checked_with_phonenumbers(number: str, valid: bool) -> None:
    assert phone_ok(number) is valid


def test_phone_numbers_are_shown_as_dialled_in_mexico() -> None:
    assert phone_text("+52 55 1234 5678") == "55 1234 5678"
    assert phone_text("911") == "911"


def test_inside_mexico() -> None:
    assert inside_mexico(19.43, -99.13) and inside_mexico(32.51, -117.04) and inside_mexico(21.16, -86.85)
    assert not inside_mexico(40.71, -74.0) and not inside_mexico(-99.13, 19.43)


# -- using the directory -------------------------------------------------------------------------------

def test_places_in_a_state_come_worker_centers_first_then_state_then_national_offices() -> None:
    directory = load_directory(production=False)
    kinds = [c.kind for c in directory.in_state("MEX")]
    assert kinds == [CenterKind.WORKER_CENTER, CenterKind.DEFENSE_STATE,
                     CenterKind.CONCILIATION_FEDERAL, CenterKind.DEFENSE_FEDERAL]
    assert [c.id for c in directory.worker_centers("MEX")] == ["ejemplo_cdmx"]


def test_opening_hours_in_the_centers_own_time_zone(tmp_path: Path) -> None:
    path = _directory(tmp_path, _center("tj", 32.5, -117.0,
                                        ", hours: {mon-fri: '09:00-17:00'}, timezone: America/Tijuana"))
    center = load_directory(path, production=False).centers[0]
    # Monday 2 March 2026, 16:30 UTC = 08:30 in Tijuana (UTC-8 until 8 March).
    def opening(at: datetime) -> tuple[str, datetime | None, time | None]:
        return next_opening(center.hours, center.timezone, at) or ("", None, None)

    state, when, _ = opening(datetime(2026, 3, 2, 16, 30, tzinfo=UTC))
    assert state == "later" and when is not None and (when.day, when.hour) == (2, 9)
    state, _, closes = opening(datetime(2026, 3, 2, 17, 30, tzinfo=UTC))
    assert state == "open" and closes is not None and closes.hour == 17


def test_a_new_referral_is_posted_to_the_centers_staff_group(tmp_path: Path) -> None:
    path = _directory(tmp_path, _center("a", 19.5, -99.0, ", staff_telegram_chat: '-1001234567890'")
                      + _center("b", 20.0, -99.0))
    directory = load_directory(path, production=False)
    record = {"center": "a", "code": "K7QM3XPA", "kind": "dismissal", "state": "CMX",
              "contact_channel": "whatsapp", "summary": "*Resumen de tu caso*\nNombre: Ana Pérez",
              "name": "Ana Pérez", "employer": "Textiles ABC", "user": "{whatsapp:5215512345678}"}
    chat, text = staff_notice("referral", record, directory) or ("", "")
    assert chat == "-1001234567890" and "K7QM3XPA" in text and "dismissal" in text and "CMX" in text
    for personal in ("Resumen", "Ana", "Textiles", "5215512345678"):  # the group is beyond "borrar mis datos"
        assert personal not in text
    assert staff_notice("referral", {**record, "center": "b"}, directory) is None
    assert staff_notice("handoff", record, directory) is not None
    assert staff_notice("referral", record, Directory(())) is None


# -- the command -----------------------------------------------------------------------------------------

def test_directory_check_command(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "Todo bien" in result.output and "profedet" in result.output
    for name in ("states", "public_systems", "contacts"):
        (tmp_path / f"{name}.yaml").write_bytes(
            (Path(__file__).resolve().parents[1] / "flows" / "data" / f"{name}.yaml").read_bytes())
    _directory(tmp_path, _center("a", 40.7, -74.0))
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "directory.yaml:2:" in result.output and "fuera de México" in result.output
