/** A time zone, typed or chosen from the browser's list of IANA zones (which narrows as one types). */
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { TextField } from "../shell/text-field.js";
import { isTimeZone } from "./zoned.js";

const ZONES = Intl.supportedValuesOf("timeZone");

export function ZoneField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (zone: string) => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const id = useId();
  const unknown = value.trim() !== "" && !isTimeZone(value.trim());
  return (
    <>
      <TextField
        label={label}
        hint={t("zones.hint")}
        list={`${id}-zones`}
        required
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        error={error ?? (unknown ? t("zones.unknown") : undefined)}
      />
      <datalist id={`${id}-zones`}>
        {ZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </>
  );
}
