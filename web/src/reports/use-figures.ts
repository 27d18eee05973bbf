/** Report figures as the user reads them: numbers in their language, "<5" as it is, hours or days, percentages. */
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { type Count, SMALL } from "../../../src/core/reports/figures.js";

export interface FigureFormat {
  /** A count or a ratio; a suppressed count stays "<5". */
  count: (value: Count | number) => string;
  /** A rate from 0 to 1 as a percentage; "—" when there is none. */
  percent: (value: number | null) => string;
  /** A wait or a delay in hours: hours under two days, days from then on; "—" when there is none. */
  hours: (value: number | null) => string;
}

export function useFigures(): FigureFormat {
  const { t, i18n } = useTranslation();
  return useMemo(() => {
    const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2 });
    const short = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
    const percent = new Intl.NumberFormat(i18n.language, { style: "percent", maximumFractionDigits: 1 });
    return {
      count: (value) => (value === SMALL ? SMALL : number.format(value)),
      percent: (value) => (value === null ? "—" : percent.format(value)),
      hours: (value) => {
        if (value === null) return "—";
        return value < 48
          ? t("reports.hours", { value: short.format(value) })
          : t("reports.days", { value: short.format(value / 24) });
      },
    };
  }, [t, i18n.language]);
}
