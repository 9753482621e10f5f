namespace Flax;

/// <summary>Which fan a variance-scaling initializer divides its scale by (JAX's <c>mode</c> string).</summary>
public enum FanMode
{
    /// <summary><c>"fan_in"</c>: the number of input units (times the receptive field).</summary>
    FanIn,
    /// <summary><c>"fan_out"</c>: the number of output units (times the receptive field).</summary>
    FanOut,
    /// <summary><c>"fan_avg"</c>: the arithmetic mean of fan-in and fan-out.</summary>
    FanAvg,
    /// <summary><c>"fan_geo_avg"</c>: the geometric mean of fan-in and fan-out.</summary>
    FanGeoAvg,
}
