// Colour on or off (NO_COLOR, --no-color): components ask here instead of passing colours blindly. State
// is always written out as well (a word, a symbol), so nothing is said by colour alone.
import { createContext, useContext } from 'react';

export interface Theme {
  color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: true });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** The colour when colour is on. */
export function tint(theme: Theme, color: string | undefined): string | undefined {
  return theme.color ? color : undefined;
}
