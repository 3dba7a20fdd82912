"""A Spanish-speaking user in a real browser: ñ, á and emoji in every field they type."""

from __future__ import annotations

import uuid

from playwright.sync_api import BrowserContext, expect

from tests.web.conftest import Web


def test_a_user_who_types_spanish_signs_up_signs_in_and_finds_films(
    context: BrowserContext, site: Web
) -> None:
    marker = uuid.uuid4().hex[:6]
    title = f"El Ñandú y la Canción 🎬 {marker}"
    site.api.create_movie(title=title, year=1931, tags=["comedia"])
    page = context.new_page()
    email = f"josé.ñandú-{marker}@ejemplo.es"
    password = "contraseña segura ñandú 🍿"

    page.goto("/sign-up")
    page.get_by_label("Name").fill("Begoña Íñiguez")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("link-sent")).to_contain_text(email)

    page.goto("/sign-in")
    page.get_by_label("Email", exact=True).fill(f"  {email.upper()} ")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("BÍ")

    page.get_by_label("Search movies").fill("nandu y LA CANCION")
    results = page.get_by_test_id("search-results").get_by_test_id("movie-card")
    expect(results.filter(has_text=marker)).to_have_count(1)
    expect(results.filter(has_text=marker)).to_contain_text(title)
