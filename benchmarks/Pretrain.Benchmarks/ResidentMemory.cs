namespace Pretrain.Benchmarks;

/// <summary>
/// The process's resident memory from /proc/self/status (Linux): VmRSS now and VmHWM, its peak. Writing 5 to
/// /proc/self/clear_refs resets the peak, so one run can measure the peak of one phase.
/// </summary>
internal static class ResidentMemory
{
    public static long Current => Read("VmRSS:");

    public static long Peak => Read("VmHWM:");

    /// <summary>Resets the peak to the current resident size; false where the kernel does not allow it.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Read(string field)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"/proc/self/status has no {field} (not Linux?)");
        // "VmHWM:     123456 kB"
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
