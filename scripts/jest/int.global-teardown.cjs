module.exports = async () => {
  const child = globalThis.__strataDynamo;
  if (child) child.kill('SIGKILL');
};
