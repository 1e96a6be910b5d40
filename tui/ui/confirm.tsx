/** @jsxRuntime automatic @jsxImportSource react */
// The question before anything is destroyed: only `y` goes ahead; any other key, `esc` included, does not.
import { Box, Text, useInput } from 'ink';
import { tint, useTheme } from './theme.ts';

export function Confirm({ question, onYes, onNo }: { question: string; onYes(): void; onNo(): void }) {
  const theme = useTheme();
  useInput((input) => (input === 'y' || input === 'Y' ? onYes() : onNo()));
  return (
    <Box borderStyle="round" borderColor={tint(theme, 'yellow')} paddingX={1}>
      <Text wrap="wrap">
        {question} <Text bold>[y/N]</Text>
      </Text>
    </Box>
  );
}
