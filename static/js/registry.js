/* The registry's filters: choosing a province or regency loads the lists within it (without script: press
   "Terapkan"). */
(function () {
  "use strict";
  ["province", "regency"].forEach(function (name) {
    var select = document.getElementById("id_" + name);
    if (!select) return;
    select.addEventListener("change", function () {
      if (name === "province" && this.form.elements.regency) this.form.elements.regency.value = "";
      if (this.form.elements.agency) this.form.elements.agency.value = "";
      this.form.requestSubmit();
    });
  });
})();
