namespace Flax.Tests.Serialization;

/// <summary><see cref="AtomicFile"/>: stale temporaries of killed writes are deleted by the next write of the same file only.</summary>
[TestClass]
public sealed class AtomicFileTests
{
    private static string Temporary(string directory, string name) => Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");

    [TestMethod]
    public void Write_DeletesStaleTemporariesOfTheSameFileOnly()
    {
        var directory = Directory.CreateTempSubdirectory("flax-atomic-").FullName;
        try
        {
            string stale = Temporary(directory, "model.msgpack"), otherTarget = Temporary(directory, "other.msgpack");
            string lookalike = Path.Combine(directory, ".model.msgpack.notours.tmp"), userFile = Path.Combine(directory, "model.msgpack.tmp");
            foreach (var file in new[] { stale, otherTarget, lookalike, userFile }) File.WriteAllBytes(file, new byte[1000]);

            FlaxCheckpoint.Write(new VariableDict(("params", new VariableDict(("x", 1L)))), Path.Combine(directory, "model.msgpack"));

            CollectionAssert.AreEquivalent(
                new[] { "model.msgpack", Path.GetFileName(otherTarget), Path.GetFileName(lookalike), Path.GetFileName(userFile) },
                Directory.GetFiles(directory).Select(Path.GetFileName).ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void Write_KeepsATemporaryThatALiveWriterHoldsOpen()
    {
        var directory = Directory.CreateTempSubdirectory("flax-atomic-").FullName;
        try
        {
            string live = Temporary(directory, "w.safetensors");
            using (var writing = new FileStream(live, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                SafeTensors.Write(new VariableDict(("w", NDArray.Zeros(DType.Float32, 2))), Path.Combine(directory, "w.safetensors"));
                Assert.IsTrue(File.Exists(live), "a temporary in use by another writer is kept");
            }
            SafeTensors.Write(new VariableDict(("w", NDArray.Zeros(DType.Float32, 2))), Path.Combine(directory, "w.safetensors"));
            Assert.IsFalse(File.Exists(live), "once closed it is stale and deleted by the next write");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void IsTemporaryOf_MatchesOnlyTheExactPattern()
    {
        Assert.IsTrue(AtomicFile.IsTemporaryOf($".a.bin.{new string('0', 32)}.tmp", "a.bin"));
        Assert.IsFalse(AtomicFile.IsTemporaryOf($".a.bin.{new string('0', 31)}.tmp", "a.bin"));
        Assert.IsFalse(AtomicFile.IsTemporaryOf($".a.bin.{new string('G', 32)}.tmp", "a.bin"));
        Assert.IsFalse(AtomicFile.IsTemporaryOf($".b.bin.{new string('0', 32)}.tmp", "a.bin"));
        Assert.IsFalse(AtomicFile.IsTemporaryOf($".x.a.bin.{new string('0', 32)}.tmp", "a.bin"));
    }
}
