import { useRef, useState, type FormEvent } from "react";
import * as api from "../api";
import { SubmitButton } from "../pages/AuthLayout";
import { SectionMessages } from "../pages/account/SectionMessages";
import * as admin from "./adminApi";

const MAX_FILE_BYTES = 1024 * 1024;

/** Films from a CSV file (the columns the API documents), with the API's report row by row. */
export function ImportPanel({ onImported }: { onImported: () => void }) {
  const file = useRef<HTMLInputElement>(null);
  const [update, setUpdate] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<admin.ImportReport | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) {
      setError("Choose a CSV file to import.");
      file.current?.focus();
      return;
    }
    if (chosen.size > MAX_FILE_BYTES) {
      setError("The file is over 1 MB. Split it into smaller files.");
      return;
    }
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const result = await admin.importMovies(await chosen.text(), update);
      setReport(result);
      onImported();
    } catch (err) {
      setError(api.asApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const summary = report
    ? `${report.created} created, ${report.updated} updated, ${report.skipped} already in the catalogue, ` +
      `${report.errors.length} ${report.errors.length === 1 ? "row" : "rows"} not imported`
    : null;

  return (
    <section className="panel" aria-labelledby="admin-import-title" data-testid="admin-import">
      <h2 className="panel__title" id="admin-import-title">
        Import movies
      </h2>
      <p className="panel__hint">
        A CSV file whose header names the columns title, year, cover, description, duration, contentRating, source and
        tags. Films already in the catalogue (same title and year) are skipped, or updated if you ask.
      </p>
      <SectionMessages name="admin-import" notice={summary ? `Import finished: ${summary}.` : null} error={error} />
      <form className="admin-toolbar" onSubmit={(event) => void submit(event)} noValidate>
        <div className="field">
          <label className="field__label" htmlFor="admin-import-file">
            CSV file
          </label>
          <input id="admin-import-file" ref={file} className="admin-file" type="file" accept=".csv,text/csv" />
        </div>
        <label className="checkbox" htmlFor="admin-import-update">
          <input id="admin-import-update" type="checkbox" checked={update} onChange={(event) => setUpdate(event.target.checked)} />
          <span className="checkbox__box" aria-hidden="true" />
          <span>Update films already in the catalogue</span>
        </label>
        <SubmitButton busy={busy} block={false}>
          Import
        </SubmitButton>
      </form>
      {report && report.errors.length > 0 && (
        <div className="admin-table-wrap">
          <table className="admin-table" data-testid="admin-import-report">
            <caption>Rows not imported (numbered from 1 after the header row)</caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {report.errors.map((problem) => (
                <tr key={problem.row} data-testid="admin-import-row">
                  <td>{problem.row}</td>
                  <td className="admin-outcome--error">{problem.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
