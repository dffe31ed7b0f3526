namespace Portique.Templating.Tests;

public sealed class ReferencedVariablesTests
{
    [Fact]
    public void Referenced_variables_list_every_configuration_read_with_its_position()
    {
        var template = CreoleTemplate.Parse("a=%%a\n%if %%b == %%{a}\n  %%c.upper()\n%end if\n", "t");
        Assert.Equal(
            [new VariableReference("a", 1, 3), new VariableReference("b", 2, 5), new VariableReference("a", 2, 12), new VariableReference("c", 3, 3)],
            template.ReferencedVariables);
    }

    [Fact]
    public void Referenced_variables_leave_out_loop_variables_set_locals_and_helper_functions()
    {
        var template = CreoleTemplate.Parse("""
            %set %%count = 0
            %for %%p in %%ports
            %set %%count = %%count + 1
            %%p.conteneur1_port_out %%count %%custom_join(%%names) %%getVar('hidden', '') %%is_defined('other')
            %end for
            """, "t");
        Assert.Equal(["ports", "names"], template.ReferencedVariables.Select(reference => reference.Name));
    }

    [Fact]
    public void The_template_keeps_the_file_name_it_was_parsed_with() =>
        Assert.Equal("nginx/site.conf", CreoleTemplate.Parse(string.Empty, "nginx/site.conf").FileName);
}
