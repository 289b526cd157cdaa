// A month calendar with Buddhist-era years for the report form's date (a Streamlit v2 component). Python
// passes data = {today, selected (ISO dates or null), months (12 names), weekdays (7, Sunday first),
// years: [[CE year, label], ...] newest first, title ("{month} {year}" pattern with the BE year), labels}.
// Days after today are disabled. A click on a day sends the one-shot trigger value "picked" = "YYYY-MM-DD".
// All text is set as text, never as HTML.
const pad = (n) => String(n).padStart(2, "0");
const iso = (y, m, d) => `${y}-${pad(m + 1)}-${pad(d)}`;

export default function ({ data, parentElement, setTriggerValue }) {
  let root = parentElement.querySelector(".nts-cal");
  if (!root) {
    root = document.createElement("div");
    root.className = "nts-cal";
    parentElement.appendChild(root);
  }
  const [ty, tm] = data.today.split("-").map(Number);
  const start = data.selected || data.today;
  if (!root.dataset.view || root.dataset.selected !== String(data.selected)) {
    const [sy, sm] = start.split("-").map(Number);
    root.dataset.view = `${sy}-${sm - 1}`;
    root.dataset.selected = String(data.selected);
  }

  const draw = () => {
    const [vy, vm] = root.dataset.view.split("-").map(Number);
    root.replaceChildren();
    const head = document.createElement("div");
    head.className = "nts-cal-head";
    const prev = navButton("‹", data.labels.prev, () => shift(-1));
    const next = navButton("›", data.labels.next, () => shift(1));
    next.disabled = vy > ty || (vy === ty && vm + 1 >= tm);
    const title = document.createElement("span");
    title.className = "nts-cal-title";
    const yearName = (data.years.find((y) => y[0] === vy) || [vy, String(vy + 543)])[1];
    title.textContent = data.title.replace("{month}", data.months[vm]).replace("{year}", yearName);
    const year = document.createElement("select");
    year.className = "nts-cal-year";
    for (const [ce, label] of data.years) {
      const opt = document.createElement("option");
      opt.value = String(ce);
      opt.textContent = label;
      opt.selected = ce === vy;
      year.appendChild(opt);
    }
    year.onchange = () => {
      const y = Number(year.value);
      root.dataset.view = `${y}-${y === ty ? Math.min(vm, tm - 1) : vm}`;
      draw();
    };
    head.append(prev, title, next);
    const jump = document.createElement("label");
    jump.className = "nts-cal-jump";
    jump.append(document.createTextNode(data.labels.year + " "), year);

    const grid = document.createElement("div");
    grid.className = "nts-cal-grid";
    grid.setAttribute("role", "grid");
    for (const w of data.weekdays) {
      const cell = document.createElement("span");
      cell.className = "nts-cal-wd";
      cell.textContent = w;
      grid.appendChild(cell);
    }
    const first = new Date(vy, vm, 1).getDay();
    for (let i = 0; i < first; i++) grid.appendChild(document.createElement("span"));
    const days = new Date(vy, vm + 1, 0).getDate();
    for (let d = 1; d <= days; d++) {
      const value = iso(vy, vm, d);
      const b = document.createElement("button");
      b.type = "button";
      b.className = "nts-cal-day";
      b.textContent = String(d);
      b.setAttribute("aria-label", `${d} ${data.months[vm]} ${yearName}`);
      b.dataset.date = value;
      if (value > data.today) {
        b.disabled = true;
        b.title = data.labels.future;
      }
      if (value === data.today) b.classList.add("nts-cal-today");
      if (value === data.selected) b.classList.add("nts-cal-picked");
      b.onclick = () => setTriggerValue("picked", value);
      grid.appendChild(b);
    }
    root.append(head, jump, grid);
  };

  const shift = (step) => {
    const [vy, vm] = root.dataset.view.split("-").map(Number);
    const t = new Date(vy, vm + step, 1);
    if (t.getFullYear() > ty || (t.getFullYear() === ty && t.getMonth() + 1 > tm)) return;
    if (!data.years.some((y) => y[0] === t.getFullYear())) return;
    root.dataset.view = `${t.getFullYear()}-${t.getMonth()}`;
    draw();
  };

  draw();
}

function navButton(text, label, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "nts-cal-nav";
  b.textContent = text;
  b.setAttribute("aria-label", label);
  b.onclick = onclick;
  return b;
}
