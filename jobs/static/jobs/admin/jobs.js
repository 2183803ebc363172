// Live progress bars of the back office's Jobs pages (no inline script: CSP).
// Polls the progress view once a second for the jobs still queued or running; reloads the page
// when one of them finishes, so its status, download link or summary appear.
(function () {
  "use strict";
  const INTERVAL_MS = 1000;
  const FINISHED = ["done", "failed", "cancelled"];

  function activeIds() {
    return Array.from(document.querySelectorAll("progress[data-job-active='1']")).map(
      (bar) => bar.dataset.jobId
    );
  }

  function update(id, job) {
    const bar = document.querySelector(`progress[data-job-id='${id}']`);
    if (bar) {
      bar.value = job.progress;
      bar.textContent = `${job.progress}%`;
    }
    const percent = document.querySelector(`[data-job-percent='${id}']`);
    if (percent) percent.textContent = `${job.progress}%`;
    const rows = document.querySelector(`[data-job-rows='${id}']`);
    if (rows) {
      const total = job.rowsTotal === null ? "?" : job.rowsTotal.toLocaleString("en");
      rows.textContent = `${job.rowsDone} / ${total}`;
    }
    const status = document.querySelector(`[data-job-status='${id}']`);
    if (status) {
      status.textContent = job.status.charAt(0).toUpperCase() + job.status.slice(1);
      status.className = `job-status job-status-${job.status}`;
    }
  }

  function poll(root) {
    const ids = activeIds();
    if (!ids.length) return;
    const url = `${root.dataset.progressUrl}?ids=${ids.join(",")}`;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((payload) => {
        let finished = false;
        for (const id of ids) {
          const job = payload.jobs[id];
          if (!job) continue;
          update(id, job);
          if (FINISHED.includes(job.status)) finished = true;
        }
        if (finished) {
          window.location.reload();
        } else {
          window.setTimeout(() => poll(root), INTERVAL_MS);
        }
      })
      .catch(() => window.setTimeout(() => poll(root), INTERVAL_MS * 5));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("job-progress-root");
    if (root) window.setTimeout(() => poll(root), INTERVAL_MS);
  });
})();
