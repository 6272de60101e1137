// Click (or focus and Enter) a highlighted sentence: its evidence, quotes and source show in the panel.
document.addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("panel");
  if (!panel) return;
  const show = (el) => {
    document.querySelectorAll(".s.active").forEach((x) => x.classList.remove("active"));
    el.classList.add("active");
    const detail = document.getElementById("d-" + el.dataset.i);
    panel.replaceChildren(...(detail ? Array.from(detail.cloneNode(true).childNodes) : []));
  };
  document.querySelectorAll(".s").forEach((el) => {
    el.addEventListener("click", () => show(el));
    el.addEventListener("keydown", (e) => { if (e.key === "Enter") show(el); });
  });
  const m = location.hash.match(/^#s-(\d+)$/);
  if (m) { const el = document.querySelector('.s[data-i="' + m[1] + '"]'); if (el) { show(el); el.scrollIntoView(); } }
});
