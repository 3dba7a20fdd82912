"""Issue 13: the admin console in a real browser, a section at a time, and what others see."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.pages import screenshot, serious_violations, settle
from tests.web.conftest import Web

PASSWORD = "contraseña de administración"


@pytest.fixture
def context(chromium: Browser, site: Web) -> Iterator[BrowserContext]:
    """As conftest's, with the CSP bypassed so that axe-core's script can run in the page."""
    ctx = chromium.new_context(
        base_url=site.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


def new_account(site: Web, name: str = "Begoña Íñiguez", *, admin: bool = False) -> str:
    email = f"admin-e2e-{uuid.uuid4().hex[:8]}@ejemplo.es"
    site.api.sign_up(email, PASSWORD, name=name)
    if admin:
        site.api.db.query("UPDATE users SET role = 'admin' WHERE email = :email", email=email)
    return email


def sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()


def open_console(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.get_by_role("navigation", name="Admin sections").get_by_role("link", name=section).click()
    settle(page)


def no_serious_violations(page: Page) -> None:
    assert serious_violations(page) == []


def test_a_user_never_sees_the_admin_entry_and_admin_is_not_allowed(
    context: BrowserContext, site: Web
) -> None:
    page = context.new_page()
    sign_in(page, new_account(site))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    page.goto("/admin/users")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.get_by_test_id("admin-users")).to_have_count(0)
    no_serious_violations(page)


def test_an_admin_creates_edits_and_deletes_a_movie(context: BrowserContext, site: Web) -> None:
    marker = uuid.uuid4().hex[:6]
    title = f"Cría cuervos {marker}"
    page = context.new_page()
    sign_in(page, new_account(site, admin=True))
    open_console(page, "Movies")
    no_serious_violations(page)

    page.get_by_role("button", name="New movie").click()
    form = page.get_by_test_id("admin-movie-form")
    expect(form.get_by_label("Title")).to_be_focused()
    form.get_by_label("Title").fill(title)
    form.get_by_label("Year").fill("1976")
    form.get_by_label("Length (minutes)").fill("110")
    form.get_by_label("Content rating").select_option("PG-13")
    form.get_by_label("Cover image URL").fill("https://example.com/cria.jpg")
    form.get_by_label("Video URL").fill("https://example.com/cria.mp4")
    form.get_by_label("Genres").fill("drama, familia")
    form.get_by_label("Description").fill("Ana, ocho años, en una casa de Madrid.")
    no_serious_violations(page)
    screenshot(page, "admin-movie-form")
    form.get_by_role("button", name="Add movie").click()
    expect(page.get_by_test_id("admin-movies-notice")).to_contain_text("added to the catalogue")

    page.get_by_label("Search by title").fill(f"cria CUERVOS {marker}")
    page.get_by_role("button", name="Search", exact=True).click()
    rows = page.get_by_test_id("admin-movie-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("1976")

    page.get_by_role("button", name=f"Edit {title}").click()
    page.get_by_test_id("admin-movie-form").get_by_label("Year").fill("1975")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("admin-movies-notice")).to_contain_text("is saved")
    expect(rows).to_contain_text("1975")

    page.get_by_role("button", name=f"Delete {title}").click()
    page.get_by_role("button", name=f"Yes, delete “{title}”").click()
    expect(page.get_by_test_id("admin-movies-notice")).to_contain_text("is deleted")
    expect(rows).to_have_count(0)


def test_an_admin_imports_a_spanish_csv_and_reads_each_rows_outcome(
    context: BrowserContext, site: Web
) -> None:
    marker = uuid.uuid4().hex[:6]
    csv = (
        "title,year,cover,description,duration,contentRating,source,tags\n"
        f"El Ñandú {marker},1999,https://example.com/n.jpg,Una película sobre un ñandú,"
        "95,PG,https://example.com/n.mp4,comedia\n"
        f"Canción de otoño {marker},2003,https://example.com/c.jpg,Música y lágrimas,"
        "101,PG-13,https://example.com/c.mp4,drama\n"
        f"Sin año {marker},,https://example.com/s.jpg,Falta el año,90,G,https://example.com/s.mp4,\n"
    )
    page = context.new_page()
    sign_in(page, new_account(site, admin=True))
    open_console(page, "Movies")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "películas.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Import", exact=True).click()
    report = page.get_by_test_id("admin-import-row")
    expect(report).to_have_count(1)
    expect(report).to_contain_text("3")
    expect(report).to_contain_text("year")
    expect(page.get_by_test_id("admin-import-notice")).to_contain_text(
        "2 created, 0 updated, 0 already in the catalogue, 1 row not imported"
    )
    no_serious_violations(page)

    page.get_by_label("Search by title").fill(f"nandu {marker}")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_test_id("admin-movie-row")).to_have_count(1)


def test_an_admin_finds_josé_disables_enables_and_makes_him_an_admin(
    context: BrowserContext, site: Web
) -> None:
    marker = uuid.uuid4().hex[:6]
    name = f"José Núñez {marker}"
    new_account(site, name)
    page = context.new_page()
    sign_in(page, new_account(site, admin=True))
    open_console(page, "Users")
    page.get_by_label("Name or email").fill(f"josé núñez {marker}")
    page.get_by_role("button", name="Search", exact=True).click()
    row = page.get_by_test_id("admin-user-row")
    expect(row).to_have_count(1)
    no_serious_violations(page)

    row.get_by_role("button", name=f"Disable {name}").click()
    expect(row.get_by_test_id("admin-user-status")).to_have_text("Disabled")
    row.get_by_role("button", name=f"Enable {name}").click()
    expect(row.get_by_test_id("admin-user-status")).to_have_text("Active")
    row.get_by_label(f"Role of {name}").select_option("admin")
    expect(page.get_by_test_id("admin-users-notice")).to_contain_text("is now an admin")
    page.reload()
    page.get_by_label("Name or email").fill(f"josé núñez {marker}")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(row.get_by_label(f"Role of {name}")).to_have_value("admin")


def test_an_admin_ends_one_session_of_a_user_then_all(context: BrowserContext, site: Web) -> None:
    marker = uuid.uuid4().hex[:6]
    name = f"Iñaki Sesiones {marker}"
    email = new_account(site, name)
    for _ in range(3):
        site.api.token(email, PASSWORD)
    page = context.new_page()
    sign_in(page, new_account(site, admin=True))
    open_console(page, "Users")
    page.get_by_label("Name or email").fill(email)
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name=f"Sessions of {name}").click()
    sessions = page.get_by_test_id("admin-session")
    expect(sessions).to_have_count(3)
    no_serious_violations(page)
    sessions.first.get_by_role("button", name="End").click()
    expect(sessions).to_have_count(2)
    page.get_by_role("button", name="End all sessions").click()
    expect(page.get_by_test_id("admin-no-sessions")).to_be_visible()
    page.reload()
    page.get_by_label("Name or email").fill(email)
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name=f"Sessions of {name}").click()
    expect(page.get_by_test_id("admin-no-sessions")).to_be_visible()


def test_a_new_api_keys_secret_is_shown_once_and_the_key_can_be_revoked(
    context: BrowserContext, site: Web
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    key_name = f"Aplicación móvil {uuid.uuid4().hex[:6]}"
    page = context.new_page()
    sign_in(page, new_account(site, admin=True))
    open_console(page, "API keys")
    no_serious_violations(page)
    page.get_by_label("Name").fill(key_name)
    page.get_by_label("Scopes", exact=True).select_option("public")
    page.get_by_role("button", name="Create key").click()
    secret_box = page.get_by_test_id("admin-key-secret")
    expect(secret_box).to_contain_text("shown only this once")
    secret = page.get_by_test_id("admin-key-secret-value").inner_text().strip()
    assert len(secret) > 20
    no_serious_violations(page)
    screenshot(page, "admin-api-key-secret")
    page.get_by_role("button", name="Copy the key").click()
    expect(secret_box).to_contain_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == secret
    # The key works: a sign-in with it.
    assert site.api.sign_in(site.api.admin_email, site.api.admin_password, key=secret).is_success

    page.get_by_role("button", name="I've copied it").click()
    expect(secret_box).to_have_count(0)
    page.reload()
    settle(page)
    assert secret not in page.content(), "the secret is never shown again"

    row = page.get_by_test_id("admin-key-row").filter(has_text=key_name)
    row.get_by_role("button", name=f"Revoke {key_name}").click()
    row.get_by_role("button", name=f"Yes, revoke “{key_name}”").click()
    expect(page.get_by_test_id("admin-keys-notice")).to_contain_text("is revoked")

    # A key made to measure: its scopes one by one.
    page.get_by_label("Name").fill(f"{key_name} lectura")
    page.get_by_label("Scopes", exact=True).select_option("choose")
    page.get_by_label("signin:auth").check()
    page.get_by_label("read:movies", exact=True).check()
    page.get_by_role("button", name="Create key").click()
    expect(secret_box).to_be_visible()
    page.get_by_role("button", name="I've copied it").click()
    expect(page.get_by_role("heading", name="API keys")).to_be_focused()
    made = page.get_by_test_id("admin-key-row").filter(has_text=f"{key_name} lectura")
    expect(made).to_contain_text("signin:auth read:movies")
    assert site.api.sign_in(
        site.api.admin_email, site.api.admin_password, key=secret
    ).status_code in (
        400,
        401,
        403,
    )


def test_the_audit_log_filters_by_user_and_action_and_pages_with_more(
    context: BrowserContext, site: Web
) -> None:
    email = new_account(site, "Auditada Peña")
    for _ in range(23):
        site.api.token(email, PASSWORD)
    page = context.new_page()
    sign_in(page, new_account(site, admin=True))
    open_console(page, "Audit log")
    no_serious_violations(page)
    page.get_by_label("User's email").fill(email)
    page.get_by_label("Action").select_option("auth.sign_in")
    page.get_by_label("Since").select_option(label="The last hour")
    page.get_by_role("button", name="Apply filters").click()
    rows = page.get_by_test_id("admin-audit-row")
    expect(rows).to_have_count(20)
    screenshot(page, "admin-audit-log")
    expect(
        page.get_by_test_id("admin-audit-action").filter(has_not_text="auth.sign_in")
    ).to_have_count(0)
    page.get_by_role("button", name="More").click()
    expect(rows).to_have_count(23)
    expect(page.get_by_role("button", name="More")).to_have_count(0)
    no_serious_violations(page)


def test_a_stale_admin_session_confirms_its_them_before_a_change(
    chromium: Browser, short_lived_site: Web
) -> None:
    site = short_lived_site
    marker = uuid.uuid4().hex[:6]
    name = f"Paz Escalón {marker}"
    new_account(site, name)
    admin_email = new_account(site, admin=True)
    context = chromium.new_context(base_url=site.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, admin_email)
    open_console(page, "Users")
    site.api.db.query(
        "UPDATE sessions SET created_at = :at WHERE user_id = (SELECT id FROM users"
        " WHERE email = :email)",
        at=site.api.db.moment(datetime.now(UTC) - timedelta(minutes=11)),
        email=admin_email,
    )
    page.wait_for_timeout(2_500)  # the access token ends; the next carries the old sign-in time
    page.get_by_label("Name or email").fill(name)
    page.get_by_role("button", name="Search", exact=True).click()
    row = page.get_by_test_id("admin-user-row")
    row.get_by_role("button", name=f"Disable {name}").click()
    dialog = page.get_by_role("dialog", name="Confirm it's you")
    expect(dialog).to_be_visible()
    no_serious_violations(page)
    dialog.get_by_label("Password", exact=True).fill(PASSWORD)
    dialog.get_by_role("button", name="Confirm", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(row.get_by_test_id("admin-user-status")).to_have_text("Disabled")
    context.close()
