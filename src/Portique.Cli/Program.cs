using Portique.Cli;

return await PortiqueCommandLine.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
