import { useEffect } from "react";

/** "Page · cinepass" in the tab; just "cinepass" without a page name. */
export function useDocumentTitle(page: string | null | undefined): void {
  useEffect(() => {
    document.title = page ? `${page} · cinepass` : "cinepass";
  }, [page]);
}
