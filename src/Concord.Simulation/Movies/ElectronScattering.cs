namespace Concord.Simulation.Movies;

/// <summary>
/// Converts projected scattering-factor density into the phase shift of the electron wave (weak-phase object):
/// V_proj [V·Å] = (h²/(2π·m₀·e)) · Σf / pixel² with h²/(2π·m₀·e) = 47.878 V·Å², and φ = σ·V_proj with the
/// relativistic interaction constant σ = (2π/(λ·V))·(m₀c² + eV)/(2m₀c² + eV) (Kirkland 2010, eq. 5.6).
/// </summary>
public static class ElectronScattering
{
    private const double RestEnergyEv = 510998.95;
    private const double PotentialPerScatteringFactor = 47.878;

    /// <summary>Interaction constant σ in rad/(V·Å).</summary>
    public static double InteractionConstant(double voltageKv)
    {
        double v = voltageKv * 1000;
        return 2 * Math.PI / (Core.Ctf.CtfParameters.ElectronWavelengthA(voltageKv) * v) * (RestEnergyEv + v) / (2 * RestEnergyEv + v);
    }

    /// <summary>Phase shift in rad per unit of projected Σf (Å) in one pixel of <paramref name="pixelSizeA"/> Å.</summary>
    public static double PhasePerProjectedScattering(double voltageKv, double pixelSizeA) =>
        InteractionConstant(voltageKv) * PotentialPerScatteringFactor / (pixelSizeA * pixelSizeA);
}
