/** The signed-in user, their organisation and its words, for every screen. */
import { createContext, useContext } from "react";
import type { Me } from "../api.js";

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error("useMe outside a signed-in console");
  return me;
}
