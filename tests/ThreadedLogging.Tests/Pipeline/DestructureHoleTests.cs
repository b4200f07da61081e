namespace ThreadedLogging.Tests.Pipeline;

/// <summary>Which template holes ask for a property to be destructured when its name comes without the <c>@</c> (NLog's bridge into MEL).</summary>
public sealed class DestructureHoleTests
{
    [Theory]
    [InlineData("Placed by {@Buyer}", "Buyer", true)]
    [InlineData("{@Buyer,12} placed", "Buyer", true)]
    [InlineData("{@Buyer:l}", "Buyer", true)]
    [InlineData("{@Buyer} and {@Seller}", "Seller", true)]
    [InlineData("Placed by {Buyer}", "Buyer", false)]
    [InlineData("Placed by {@BuyerId}", "Buyer", false)]
    [InlineData("Placed by {@Buy}", "Buyer", false)]
    [InlineData("A literal {{@Buyer}} and no hole", "Buyer", false)]
    [InlineData("{@Buyer", "Buyer", false)]
    [InlineData("", "Buyer", false)]
    public void AsksToDestructure_ReadsTheHoleOfThatName(string template, string name, bool expected) =>
        Assert.Equal(expected, ValueFreezer.AsksToDestructure(template, name));

    [Fact]
    public void FreezeProperty_WithTheTemplatesAt_DestructuresANameWithoutIt()
    {
        var value = new { Name = "ann" };
        Assert.IsType<DestructuredValue>(ValueFreezer.FreezeProperty("Buyer", value, "by {@Buyer}"));
        Assert.IsType<string>(ValueFreezer.FreezeProperty("Buyer", value, "by {Buyer}"));
        Assert.IsType<DestructuredValue>(ValueFreezer.FreezeProperty("@Buyer", value, null));
    }
}
