using System.Collections.Concurrent;
using System.Globalization;
using Concord.Core.Ctf;
using Concord.Core.Geometry;
using Concord.IO.Star;

namespace Concord.IO.Relion;

/// <summary>One optics group of a RELION 3.1 particle file.</summary>
public sealed record OpticsGroup(int Number, string Name, double PixelSizeA, int ImageSize, double VoltageKv = 300,
    double SphericalAberrationMm = 2.7, double AmplitudeContrast = 0.1);

/// <summary>
/// One particle of a RELION particle STAR file, in Concord's value types: image reference, pose (angles and origin in
/// Å), CTF (null when the file has no defocus), half-set (0 when absent), optics group, and any extra columns as text.
/// </summary>
public sealed record ParticleRecord(StarImageReference Image, Pose Pose, CtfParameters? Ctf, int RandomSubset, int OpticsGroup,
    IReadOnlyDictionary<StarLabel, string>? Extra = null);

/// <summary>A particle file: its optics groups and particles (RELION 3.0 files are converted to 3.1 on reading).</summary>
public sealed record ParticleSet(IReadOnlyList<OpticsGroup> Optics, IReadOnlyList<ParticleRecord> Particles, string SourcePath)
{
    public OpticsGroup GroupOf(ParticleRecord particle) =>
        Optics.FirstOrDefault(o => o.Number == particle.OpticsGroup)
        ?? throw new StarFormatException(SourcePath, 0, StarLabels.OpticsGroup.Tag, $"optics group {particle.OpticsGroup} is not defined.");
}

/// <summary>Reads and writes RELION 3.1 particle STAR files (data_optics + data_particles).</summary>
public static class RelionParticles
{
    /// <summary>Reads every particle into memory (about 0.5 KB per particle with the parsed file).</summary>
    public static ParticleSet Read(string path, double? pixelSizeA = null)
    {
        var table = Open(path, pixelSizeA);
        var particles = new ParticleRecord[table.Count];
        for (int r = 0; r < particles.Length; r++)
            particles[r] = table[r];
        return new ParticleSet(table.Optics, particles, path);
    }

    /// <summary>
    /// Parses the file but builds each particle only when asked for (<see cref="ParticleTable"/>), so a pass over a
    /// million particles holds the file's text and cell offsets (≈ 0.26 KB per particle) rather than every record too.
    /// </summary>
    public static ParticleTable Open(string path, double? pixelSizeA = null)
    {
        var document = StarReader.Read(path);
        if (RelionStarConversion.DetectVersion(document) == RelionStarVersion.Relion30)
            document = RelionStarConversion.ConvertTo31(document, new Relion30ConversionOptions(pixelSizeA));
        var optics = ReadOptics(document, path);
        return new ParticleTable(document.Require("particles").RequireLoop(path), optics, path);
    }

    private static List<OpticsGroup> ReadOptics(StarDocument document, string path)
    {
        var table = document.Require("optics").RequireLoop(path);
        int number = table.RequireColumn(StarLabels.OpticsGroup, "optics");
        int pixel = table.RequireColumn(StarLabels.ImagePixelSize, "optics");
        int size = table.ColumnOf(StarLabels.ImageSize), name = table.ColumnOf(StarLabels.OpticsGroupName);
        int kv = table.ColumnOf(StarLabels.Voltage), cs = table.ColumnOf(StarLabels.SphericalAberration), q0 = table.ColumnOf(StarLabels.AmplitudeContrast);
        var groups = new List<OpticsGroup>();
        for (int r = 0; r < table.RowCount; r++)
            groups.Add(new OpticsGroup(table.GetInt(r, number), name >= 0 ? table.GetString(r, name) : $"opticsGroup{r + 1}",
                table.GetDouble(r, pixel), size >= 0 ? table.GetInt(r, size) : 0,
                kv >= 0 ? table.GetDouble(r, kv) : 300, cs >= 0 ? table.GetDouble(r, cs) : 2.7, q0 >= 0 ? table.GetDouble(r, q0) : 0.1));
        return groups;
    }

    /// <summary>Writes a RELION 3.1 particle file; extra columns are taken from the first particle's <see cref="ParticleRecord.Extra"/> keys.</summary>
    public static void Write(string path, IReadOnlyList<OpticsGroup> optics, IReadOnlyList<ParticleRecord> particles)
    {
        var document = new StarDocument();
        var opticsTable = new StarTable([StarLabels.OpticsGroupName, StarLabels.OpticsGroup, StarLabels.Voltage, StarLabels.SphericalAberration,
            StarLabels.AmplitudeContrast, StarLabels.ImagePixelSize, StarLabels.ImageSize, StarLabels.ImageDimensionality]);
        foreach (var o in optics)
            opticsTable.AddRow(o.Name, F(o.Number), F(o.VoltageKv), F(o.SphericalAberrationMm), F(o.AmplitudeContrast), F(o.PixelSizeA), F(o.ImageSize), "2");
        document.Add("optics").Loops.Add(opticsTable);
        bool ctf = particles.Count > 0 && particles[0].Ctf is not null;
        var extra = particles.Count > 0 && particles[0].Extra is { } e ? e.Keys.ToList() : [];
        var columns = new List<StarLabel> { StarLabels.ImageName, StarLabels.AngleRot, StarLabels.AngleTilt, StarLabels.AnglePsi,
            StarLabels.OriginXAngst, StarLabels.OriginYAngst, StarLabels.OpticsGroup, StarLabels.RandomSubset };
        if (ctf)
            columns.AddRange([StarLabels.DefocusU, StarLabels.DefocusV, StarLabels.DefocusAngle, StarLabels.PhaseShift, StarLabels.CtfBfactor]);
        columns.AddRange(extra);
        var table = new StarTable(columns);
        var values = new string[columns.Count];
        foreach (var p in particles)
        {
            int i = 0;
            values[i++] = p.Image.ToString();
            values[i++] = F(p.Pose.Angles.Rot);
            values[i++] = F(p.Pose.Angles.Tilt);
            values[i++] = F(p.Pose.Angles.Psi);
            values[i++] = F(p.Pose.OriginXA);
            values[i++] = F(p.Pose.OriginYA);
            values[i++] = F(p.OpticsGroup);
            values[i++] = F(p.RandomSubset);
            if (ctf)
            {
                var c = p.Ctf ?? throw new Core.InvalidParameterException("particles", $"{p.Image} has no CTF while others do.");
                values[i++] = F(c.DefocusUA);
                values[i++] = F(c.DefocusVA);
                values[i++] = F(c.DefocusAngleDeg);
                values[i++] = F(c.PhaseShiftDeg);
                values[i++] = F(c.BFactorA2);
            }
            foreach (var label in extra)
                values[i++] = p.Extra is not null && p.Extra.TryGetValue(label, out var v) ? v : "0";
            table.AddRow(values);
        }
        document.Add("particles").Loops.Add(table);
        StarWriter.Write(path, document);
    }

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string F(int v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The particles of a RELION particle file, parsed but not yet turned into records: <see cref="this[int]"/> builds one
/// on demand (thread-safe; reads only). <see cref="RelionParticles.Open"/> makes one.
/// </summary>
public sealed class ParticleTable
{
    private readonly StarTable _table;
    private readonly Dictionary<int, OpticsGroup> _groups;
    private readonly ConcurrentDictionary<string, string> _stackPaths = new(StringComparer.Ordinal);
    private readonly int _image, _rot, _tilt, _psi, _ox, _oy, _du, _dv, _da, _phase, _bf, _scale, _subset, _group;

    internal ParticleTable(StarTable table, IReadOnlyList<OpticsGroup> optics, string path)
    {
        _table = table;
        Optics = optics;
        SourcePath = path;
        _groups = optics.GroupBy(o => o.Number).ToDictionary(g => g.Key, g => g.First());
        _image = table.RequireColumn(StarLabels.ImageName, "particles");
        _rot = table.ColumnOf(StarLabels.AngleRot);
        _tilt = table.ColumnOf(StarLabels.AngleTilt);
        _psi = table.ColumnOf(StarLabels.AnglePsi);
        _ox = table.ColumnOf(StarLabels.OriginXAngst);
        _oy = table.ColumnOf(StarLabels.OriginYAngst);
        _du = table.ColumnOf(StarLabels.DefocusU);
        _dv = table.ColumnOf(StarLabels.DefocusV);
        _da = table.ColumnOf(StarLabels.DefocusAngle);
        _phase = table.ColumnOf(StarLabels.PhaseShift);
        _bf = table.ColumnOf(StarLabels.CtfBfactor);
        _scale = table.ColumnOf(StarLabels.CtfScalefactor);
        _subset = table.ColumnOf(StarLabels.RandomSubset);
        _group = table.ColumnOf(StarLabels.OpticsGroup);
    }

    public IReadOnlyList<OpticsGroup> Optics { get; }

    public string SourcePath { get; }

    public int Count => _table.RowCount;

    /// <summary>The optics group of row <paramref name="row"/>; an undefined group is a format error naming the line.</summary>
    public OpticsGroup GroupOf(int row)
    {
        int g = _group >= 0 ? _table.GetInt(row, _group) : 1;
        return _groups.TryGetValue(g, out var o) ? o
            : throw new StarFormatException(SourcePath, _table.LineOf(row), StarLabels.OpticsGroup.Tag, $"optics group {g} is not defined in data_optics.");
    }

    /// <summary>Particle <paramref name="row"/> (0-based) as a record.</summary>
    public ParticleRecord this[int row]
    {
        get
        {
            var o = GroupOf(row);
            CtfParameters? ctf = null;
            if (_du >= 0)
            {
                double u = _table.GetDouble(row, _du);
                ctf = new CtfParameters
                {
                    VoltageKv = o.VoltageKv,
                    SphericalAberrationMm = o.SphericalAberrationMm,
                    AmplitudeContrast = o.AmplitudeContrast,
                    DefocusUA = u,
                    DefocusVA = Get(row, _dv, u),
                    DefocusAngleDeg = Get(row, _da),
                    PhaseShiftDeg = Get(row, _phase),
                    BFactorA2 = Get(row, _bf),
                    Scale = Get(row, _scale, 1),
                };
            }
            var reference = StarImageReference.Parse(_table.GetString(row, _image));
            var pose = new Pose(Get(row, _rot), Get(row, _tilt), Get(row, _psi), Get(row, _ox), Get(row, _oy));
            return new ParticleRecord(reference with { Path = SharedPath(reference.Path) }, pose, ctf,
                _subset >= 0 ? _table.GetInt(row, _subset) : 0, o.Number);
        }
    }

    private double Get(int row, int column, double fallback = 0) => column >= 0 ? _table.GetDouble(row, column) : fallback;

    /// <summary>A million particles usually live in a few hundred stacks: one string per stack path, not one per row.</summary>
    private string SharedPath(string path) => _stackPaths.GetOrAdd(path, path);
}
