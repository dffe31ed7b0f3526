using Portique.Templating.Parsing;
using Portique.Templating.Runtime;

namespace Portique.Templating.Syntax;

// EOLE compatibility (issue 11): the Cheetah directives real Creole templates use.

/// <summary><c>%silent expr</c> evaluates for its effect; <c>%echo expr</c> writes it as a placeholder would.</summary>
internal sealed class SilentNode(SourcePosition position, Expression expression, bool echo) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        var value = expression.Evaluate(context);
        if (echo)
        {
            context.Write(PythonText.Placeholder(value));
        }

        return Flow.Normal;
    }
}

/// <summary>A <c>%def</c> where it is written: it writes nothing (its body runs when called).</summary>
internal sealed class DefinitionNode(SourcePosition position) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context) => Flow.Normal;
}

/// <summary>The <c>%def</c>s of a template, by name: filled while parsing, read-only once parsed.</summary>
internal sealed class TemplateDefinitions
{
    private readonly Dictionary<string, (IReadOnlyList<string> Parameters, Block Body)> _definitions = new(StringComparer.Ordinal);

    public void Add(string name, IReadOnlyList<string> parameters, Block body) => _definitions[name] = (parameters, body);

    public bool TryGet(string name, out (IReadOnlyList<string> Parameters, Block Body) definition) =>
        _definitions.TryGetValue(name, out definition);
}

/// <summary><c>%%name(args)</c> or <c>%%name</c> naming a <c>%def</c>: its body's output, as a string.</summary>
internal sealed class DefCallExpression(SourcePosition position, string name, IReadOnlyList<Expression> arguments, TemplateDefinitions definitions)
    : Expression(position, DepthAbove([null, .. arguments]))
{
    protected override object? EvaluateCore(RenderContext context)
    {
        if (!definitions.TryGet(name, out var definition))
        {
            throw new EvaluationException(Messages.FormatUnknownFunction(name));
        }

        if (definition.Parameters.Count != arguments.Count)
        {
            throw new EvaluationException(EoleMessages.FormatDefArguments(name, definition.Parameters.Count, arguments.Count));
        }

        var values = arguments.Select(argument => argument.Evaluate(context)).ToArray();

        // Cheetah compiles a %def to a method of its own: its locals are its parameters and its own %set/%for
        // variables; the caller's locals are not seen and its own do not leak back (%set global ones are shared).
        context.BeginCall();
        var callerLocals = context.EnterOwnLocals();
        for (var i = 0; i < values.Length; i++)
        {
            context.Locals[definition.Parameters[i]] = values[i];
        }

        try
        {
            definition.Body.Execute(context);
        }
        finally
        {
            context.RestoreLocals(callerLocals);
            context.LastCallOutput = context.EndCall();
        }

        return context.LastCallOutput;
    }
}

/// <summary><c>%include 'name'</c>: renders another template of the templates folder in place, with the same values and globals, its own locals.</summary>
internal sealed class IncludeNode(SourcePosition position, Expression name) : TemplateNode(position)
{
    protected override Flow ExecuteCore(RenderContext context)
    {
        var included = PythonText.Str(name.Evaluate(context));
        var result = context.Scope.TryReadInclude(included, out var text);
        switch (result)
        {
            case IncludeResult.Outside:
                throw new EvaluationException(EoleMessages.FormatIncludeOutside(included));
            case IncludeResult.Missing:
                throw new EvaluationException(EoleMessages.FormatIncludeMissing(included));
            case IncludeResult.Unavailable:
                throw new EvaluationException(EoleMessages.IncludeUnavailable);
        }

        // EOLE patches Cheetah's compile with Creole's settings: an included file is a Creole template too,
        // rendered with the same values.
        var parsed = TemplateParser.Parse(text);
        if (parsed.Errors.Count > 0)
        {
            var first = parsed.Errors[0];
            throw new EvaluationException($"{first.Position.Subject(included)}: {first.Message}");
        }

        // Cheetah renders an included template as its own template instance: its own locals (the includer's
        // %set and %for variables are not seen, its own do not leak back); %set global ones are shared.
        context.BeginCall();
        var includerLocals = context.EnterOwnLocals();
        try
        {
            parsed.Root.Execute(context);
        }
        finally
        {
            context.RestoreLocals(includerLocals);
            context.Write(context.EndCall());
        }

        return Flow.Normal;
    }
}

/// <summary>A dict display <c>{k: v, ...}</c>: a new mutable dict each time.</summary>
internal sealed class DictExpression(SourcePosition position, IReadOnlyList<(Expression Key, Expression Value)> entries)
    : Expression(position, DepthAbove([null, .. entries.SelectMany(e => new[] { e.Key, e.Value })]))
{
    protected override object? EvaluateCore(RenderContext context)
    {
        var dict = new PythonDict();
        foreach (var (key, value) in entries)
        {
            dict.Set(key.Evaluate(context), value.Evaluate(context));
        }

        return dict;
    }
}

/// <summary>A tuple display <c>(a, b)</c>.</summary>
internal sealed class TupleExpression(SourcePosition position, IReadOnlyList<Expression> items)
    : Expression(position, DepthAbove([null, .. items]))
{
    protected override object? EvaluateCore(RenderContext context) =>
        new TupleValue([.. items.Select(item => item.Evaluate(context))]);
}
