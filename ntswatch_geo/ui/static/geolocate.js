// "Use my location" for the report form (a Streamlit v2 component: the default export is called with the
// component's arguments on every render). A click asks the browser for its position; the result goes back to
// Python as the one-shot trigger value "position": {lat, lon, accuracy} or {error: "denied" | "unavailable" |
// "timeout" | "unsupported"}. Labels come from Python (data.labels) in the viewer's language and are set as
// text, never as HTML. No network use: the browser's own geolocation only.
const ERRORS = { 1: "denied", 2: "unavailable", 3: "timeout" };

export default function ({ data, parentElement, setTriggerValue }) {
  let root = parentElement.querySelector(".nts-geo");
  if (!root) {
    root = document.createElement("div");
    root.className = "nts-geo";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "nts-button";
    const status = document.createElement("span");
    status.className = "nts-status";
    status.setAttribute("role", "status");
    root.append(button, status);
    parentElement.appendChild(root);
  }
  const button = root.querySelector("button");
  const status = root.querySelector(".nts-status");
  const labels = data.labels;
  button.textContent = labels.button;
  button.title = labels.help;

  const done = (value) => {
    button.disabled = false;
    status.textContent = "";
    setTriggerValue("position", value);
  };
  button.onclick = () => {
    if (!window.isSecureContext || !navigator.geolocation) {
      done({ error: "unsupported" });
      return;
    }
    button.disabled = true;
    status.textContent = labels.locating;
    navigator.geolocation.getCurrentPosition(
      (pos) => done({ lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy }),
      (err) => done({ error: ERRORS[err.code] || "unavailable" }),
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
    );
  };
}
