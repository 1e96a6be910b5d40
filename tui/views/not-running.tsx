/** @jsxRuntime automatic @jsxImportSource react */
// What the TUI shows while no gateway answers: why, how to start one, and that it keeps trying.
import { Box, Text } from 'ink';
import { tint, useTheme } from '../ui/theme.ts';

export function NotRunning({
  phase,
  dataDir,
  error,
  usersOffline,
}: {
  phase: 'connecting' | 'down';
  dataDir: string;
  error?: string | undefined;
  usersOffline: boolean;
}) {
  const theme = useTheme();
  if (phase === 'connecting') return <Text>Connecting to the gateway on {dataDir} …</Text>;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={tint(theme, 'red')} paddingX={1}>
      <Text bold color={tint(theme, 'red')}>
        ✖ The gateway is not running
      </Text>
      <Text wrap="wrap">No gateway answers on {dataDir}/admin.sock.</Text>
      {error ? <Text wrap="wrap">Last error: {error}</Text> : null}
      <Text> </Text>
      <Text wrap="wrap">Start it in the gateway's directory: nowsms start (or npm start), as the gateway's user.</Text>
      <Text wrap="wrap">This screen reconnects by itself: it tries again every second.</Text>
      {usersOffline ? <Text wrap="wrap">Users (:users) still works meanwhile, on the store directly.</Text> : null}
    </Box>
  );
}
