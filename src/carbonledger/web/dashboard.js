// The dashboard's few scripts: the calculate button (a background job, polled), the upload
// form (the API's validation findings shown by file, row and column) and the panorama mode
// that cycles the panels on a wall screen.
(function () {
  "use strict";
  function csrf() {
    const found = document.cookie.split("; ").find((c) => c.startsWith("carbonledger_csrf="));
    return found ? decodeURIComponent(found.split("=")[1]) : "";
  }
  function fit() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".panel .plotly-graph-div").forEach((graph) => {
      if (graph.offsetParent !== null) { window.Plotly.Plots.resize(graph); }
    });
  }
  window.addEventListener("load", function () { setTimeout(fit, 0); });
  document.fonts.ready.then(fit);
  window.addEventListener("resize", fit);
  const button = document.getElementById("calculate");
  if (button) {
    button.addEventListener("click", async function () {
      button.disabled = true;
      button.textContent = button.dataset.busy;
      const body = button.dataset.period ? { period: button.dataset.period } : {};
      const started = await fetch(`/api/v1/${button.dataset.tenant}/calculations`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
        body: JSON.stringify(body),
      });
      if (!started.ok) { button.textContent = (await started.json()).detail; return; }
      const location = started.headers.get("Location");
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const job = await (await fetch(location)).json();
        if (job.status === "succeeded") { window.location.reload(); return; }
        if (job.status === "failed") { button.textContent = job.error.detail; return; }
      }
    });
  }
  const upload = document.getElementById("upload");
  if (upload) {
    const said = document.getElementById("upload-result");
    const findings = document.getElementById("findings");
    upload.addEventListener("submit", async function (event) {
      event.preventDefault();
      const button = upload.querySelector("button");
      const kind = upload.elements.kind.value;
      const form = new FormData();
      form.append("file", upload.elements.file.files[0]);
      button.disabled = true;
      said.textContent = upload.dataset.busy;
      findings.hidden = true;
      const body = findings.querySelector("tbody");
      body.replaceChildren();
      const reply = await fetch(
        `/api/v1/${upload.dataset.tenant}/batches?kind=${encodeURIComponent(kind)}`,
        { method: "POST", headers: { "X-CSRF-Token": csrf() }, body: form },
      );
      const answer = await reply.json();
      button.disabled = false;
      if (reply.ok) {
        const text = answer.created ? upload.dataset.stored : upload.dataset.known;
        said.textContent = text
          .replace("{rows}", answer.batch.rows.toLocaleString())
          .replace("{batch}", answer.batch.batch_id.slice(0, 12));
        setTimeout(() => window.location.reload(), 1500);
        return;
      }
      said.textContent = answer.detail;
      said.classList.add("error");
      for (const found of answer.errors || []) {
        const row = body.insertRow();
        for (const key of ["file", "sheet", "row", "column", "rule", "value", "detail"]) {
          row.insertCell().textContent = found[key] === null || found[key] === undefined
            ? "" : String(found[key]);
        }
      }
      findings.hidden = !(answer.errors || []).length;
    });
  }
  if (document.body.classList.contains("panorama")) {
    const panels = Array.from(document.querySelectorAll(".panel"));
    let shown = 0;
    function show() {
      panels.forEach((panel, i) => panel.classList.toggle("current", i === shown));
      const graph = panels[shown] && panels[shown].querySelector(".plotly-graph-div");
      if (graph && window.Plotly) { window.Plotly.Plots.resize(graph); }
      shown = (shown + 1) % Math.max(1, panels.length);
    }
    show();
    setInterval(show, 15000);
  }
})();
