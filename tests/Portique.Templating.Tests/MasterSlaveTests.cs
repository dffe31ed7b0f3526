using static Portique.Templating.Tests.Render;

namespace Portique.Templating.Tests;

[UseCulture("fr")]
public sealed class MasterSlaveTests
{
    private static readonly IReadOnlyList<object?> Ports = List(
        Row("8080", ("conteneur1_port_out", "80"), ("conteneur1_port_proto", "tcp")),
        Row("8443", ("conteneur1_port_out", "443"), ("conteneur1_port_proto", null)));

    [Fact]
    public void A_for_loop_over_a_master_exposes_slaves_by_name() =>
        Assert.Equal("8080->80/tcp\n8443->443/\n", Text("""
            %for %%port in %%conteneur1_port_in
            %%port->%%port.conteneur1_port_out/%%port.conteneur1_port_proto
            %end for

            """, ("conteneur1_port_in", Ports)));

    [Fact]
    public void A_row_compares_and_computes_as_its_value() =>
        Assert.Equal("8080:yes 8443:no ", Text("""
            %for %%port in %%ports
            %if %%port == '8080' and %%port.startswith('80') and len(%%port) == 4
            %%port:yes %slurp
            %else
            %%{port}:no %slurp
            %end if
            %end for
            """, ("ports", Ports)));

    [Fact]
    public void Arithmetic_on_a_row_uses_its_value() =>
        Assert.Equal("8081", Text("%for %%p in %%ports\n%set %%next = %%p + 1\n%%next\n%end for\n", ("ports", List(Row(8080L)))).TrimEnd());

    [Fact]
    public void A_row_can_be_indexed_in_its_master_and_read_through_a_local() =>
        Assert.Equal("443", Text("%set %%second = %%ports[1]\n%%second.conteneur1_port_out", ("ports", Ports)));

    [Fact]
    public void An_unknown_slave_is_an_error_that_lists_the_slaves_of_the_row()
    {
        var error = RenderError("%for %%p in %%ports\n%%p.conteneur1_port_ou\n%end for\n", ("ports", Ports));
        Assert.Equal("test.tmpl:2:5", error.Subject);
        Assert.Equal("cette ligne du maître n'a pas d'esclave « conteneur1_port_ou » (esclaves : conteneur1_port_out, conteneur1_port_proto)", error.Message);
    }
}
