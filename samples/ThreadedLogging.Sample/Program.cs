Console.WriteLine("ThreadedLogging sample");
