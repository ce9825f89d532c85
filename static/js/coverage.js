/* Coverage: choosing a province loads its regencies (without script: press "Tampilkan"), and the bar charts
   drawn from the figures the page carries as JSON. */
(function () {
  "use strict";
  var province = document.getElementById("id_province");
  if (province) {
    province.addEventListener("change", function () {
      if (this.form.elements.regency) this.form.elements.regency.value = "";
      this.form.requestSubmit();
    });
  }
  var source = document.getElementById("coverage-charts");
  if (!source || typeof Chart === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var names = document.getElementById("chart-labels").dataset;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = charts[canvas.dataset.chart];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: names.invited, data: data.invited, backgroundColor: "#c9c9c9" },
          { label: names.signed, data: data.signed, backgroundColor: "#2e7d32" },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  });
})();
