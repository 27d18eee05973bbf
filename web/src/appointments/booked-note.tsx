/** A meeting just booked, said in one line: when (in the user's time), with whom, how and where. */
import { useTranslation } from "react-i18next";
import type { Appointment } from "../api.js";
import { useFormat } from "../shell/format.js";

export function BookedNote({ appointment: a }: { appointment: Appointment }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <p className="ok booked" role="status">
      {t("booking.booked", {
        when: format.when(a.start),
        worker: a.workerName ?? t("inbox.aWorker"),
        how: a.mode === "in_person" && a.placeName ? a.placeName : t(`meetingModes.${a.mode}`),
      })}
    </p>
  );
}
