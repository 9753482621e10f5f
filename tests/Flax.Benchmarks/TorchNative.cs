using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Flax.Benchmarks;

/// <summary>
/// Makes TorchSharp's native library load on Debian 12 and sets glibc's allocator up for LibTorch, before the first
/// TorchSharp call.
/// </summary>
/// <remarks>
/// <para><c>libLibTorchSharp.so</c> (TorchSharp 0.107.0) records a need for <c>GLIBCXX_3.4.32</c> in its version
/// requirements, for one symbol only, <c>std::ios_base_library_init()</c>, which GCC 13's <c>&lt;iostream&gt;</c>
/// references with a bare <c>.globl</c> (no relocation uses it, so it is never called); Debian 12's libstdc++ stops at
/// 3.4.30, so <c>dlopen</c> refuses the library. The build copies the library into the output folder; this patches
/// that copy (never the NuGet cache) by marking the one requirement weak (<c>VER_FLG_WEAK</c> in its
/// <c>Elf64_Vernaux</c>), which glibc's loader accepts when the version is missing.</para>
/// <para>glibc returns every freed block over 128 KiB to the kernel by default, so LibTorch, which frees its
/// activations each step, pays a page fault per page of every new tensor; <c>M_MMAP_MAX = 0</c> and a large
/// <c>M_TRIM_THRESHOLD</c> keep freed memory in the heap (ONNX Runtime keeps its own arena either way).</para>
/// </remarks>
internal static class TorchNative
{
    private const int MTrimThreshold = -1, MMmapMax = -4;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;
    private static readonly object Gate = new();
    private static bool _prepared;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    /// <summary>Patches the output folder's <c>libLibTorchSharp.so</c> (once) and tunes malloc.</summary>
    /// <exception cref="FileNotFoundException">The library is not in the output folder.</exception>
    internal static void Prepare()
    {
        lock (Gate)
        {
            if (_prepared) return;
            MallOpt(MMmapMax, 0);
            MallOpt(MTrimThreshold, 1 << 30);
            var path = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
            if (!File.Exists(path)) throw new FileNotFoundException("TorchSharp's native library is not in the output folder.", path);
            var bytes = File.ReadAllBytes(path);
            if (MarkWeak(bytes, "GLIBCXX_3.4.32"))
            {
                var temp = path + ".tmp";
                File.WriteAllBytes(temp, bytes);
                File.Move(temp, path, overwrite: true);
            }
            _prepared = true;
        }
    }

    /// <summary>Sets <c>VER_FLG_WEAK</c> on the ELF64 version requirement named <paramref name="version"/>; false when
    /// it is absent or already weak.</summary>
    private static bool MarkWeak(byte[] elf, string version)
    {
        var span = elf.AsSpan();
        long shoff = BinaryPrimitives.ReadInt64LittleEndian(span[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        long Section(int index, int field) => BinaryPrimitives.ReadInt64LittleEndian(elf.AsSpan((int)(shoff + index * shentsize + field)));
        for (int s = 0; s < shnum; s++)
        {
            var header = span[(int)(shoff + s * shentsize)..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != ShtGnuVerneed) continue;
            long offset = Section(s, 0x18);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            long strings = Section(link, 0x18);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x2C..]);
            long need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(need + 2)..]);
                long aux = need + BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(need + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    long name = strings + BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(aux + 8)..]);
                    int end = span[(int)name..].IndexOf((byte)0);
                    if (Encoding.ASCII.GetString(span.Slice((int)name, end)) == version)
                    {
                        var flags = span[(int)(aux + 4)..];
                        ushort value = BinaryPrimitives.ReadUInt16LittleEndian(flags);
                        if ((value & VerFlgWeak) != 0) return false;
                        BinaryPrimitives.WriteUInt16LittleEndian(flags, (ushort)(value | VerFlgWeak));
                        return true;
                    }
                    aux += BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(aux + 12)..]);
                }
                need += BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(need + 12)..]);
            }
        }
        return false;
    }
}
