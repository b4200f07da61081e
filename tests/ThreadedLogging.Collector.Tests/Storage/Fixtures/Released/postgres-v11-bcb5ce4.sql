--
-- PostgreSQL database dump
--

\restrict lpodrBEVdUAXmiOhq8Pk0rtEgiCzFilzi9m6jhgIcA9rqldWIvpl3AxZhv03ABM

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET search_path = public; -- the dump's empty search path: the old schema's text-bodied functions need theirs (see CHANGELOG, schema 13)
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: tl_fold_diacritics(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tl_fold_diacritics(doc text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
        BEGIN
            IF octet_length(doc) = length(doc) THEN
                RETURN doc;
            END IF;
            RETURN normalize(regexp_replace(normalize(translate(doc, 'ẛ', 's'), NFD),
                '(?<=[A-Za-z])[\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331](?![\u0300-\u036f])', '', 'g'), NFC);
        END $$;

--
-- Name: tl_json_member(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tl_json_member(doc text, name text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL RESTRICTED
    AS $$
BEGIN
    RETURN replace(doc, '\u0000', '\ufffd')::jsonb -> name;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;

--
-- Name: tl_json_strings(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tl_json_strings(doc text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $_$
BEGIN
    RETURN (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(doc::jsonb, 'strict $.** ? (@.type() == "string")') AS v);
EXCEPTION WHEN others THEN
    RETURN doc;
END $_$;

--
-- Name: tl_json_values(text, jsonpath); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tl_json_values(doc text, path jsonpath) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    RETURN (SELECT string_agg(v #>> '{}', ' ') FROM jsonb_path_query(replace(doc, '\u0000', '\ufffd')::jsonb, path) AS v);
EXCEPTION WHEN others THEN
    RETURN doc;
END $$;

--
-- Name: tl_search_text(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tl_search_text(doc text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT regexp_replace(regexp_replace(tl_fold_diacritics(doc), '[^[:alnum:]]+', ' ', 'g'),
        '([[:alnum:]]{255}[[:alnum:]]{255}[[:alnum:]])[[:alnum:]]+', '\1', 'g') $$;

--
-- Name: tl_words(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.tl_words(doc text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT to_tsvector('simple'::regconfig, tl_search_text(coalesce(doc, ''))) $$;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alert_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_state (
    rule text NOT NULL,
    query text NOT NULL,
    notified_to bigint,
    pending_from bigint,
    quiet_until bigint NOT NULL,
    last_fired_from bigint,
    last_fired_count bigint
);

--
-- Name: batches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.batches (
    batch_key text NOT NULL,
    accepted integer NOT NULL,
    received bigint NOT NULL
);

--
-- Name: event_counter; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.event_counter
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 64;

--
-- Name: events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.events (
    id bigint NOT NULL,
    day integer NOT NULL,
    ts bigint NOT NULL,
    level smallint NOT NULL,
    category text,
    message text NOT NULL,
    template text,
    exception text,
    properties text,
    context text,
    app text,
    version text,
    user_name text,
    machine text,
    path text,
    instance_id text,
    sequence bigint,
    received bigint NOT NULL,
    trace_id text,
    search tsvector GENERATED ALWAYS AS (ts_delete(((((public.tl_words(message) || '''~'':1'::tsvector) || public.tl_words(public.tl_json_strings(exception))) || '''~'':1'::tsvector) || public.tl_words(((COALESCE(public.tl_json_values(properties, 'strict $.**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text) || ' '::text) || COALESCE(public.tl_json_values(context, 'strict $?(exists (@."scopes"))."scopes".**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text)))), '~'::text)) STORED
)
PARTITION BY RANGE (day);

--
-- Name: events_p20261205; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.events_p20261205 (
    id bigint NOT NULL,
    day integer NOT NULL,
    ts bigint NOT NULL,
    level smallint NOT NULL,
    category text,
    message text NOT NULL,
    template text,
    exception text,
    properties text,
    context text,
    app text,
    version text,
    user_name text,
    machine text,
    path text,
    instance_id text,
    sequence bigint,
    received bigint NOT NULL,
    trace_id text,
    search tsvector GENERATED ALWAYS AS (ts_delete(((((public.tl_words(message) || '''~'':1'::tsvector) || public.tl_words(public.tl_json_strings(exception))) || '''~'':1'::tsvector) || public.tl_words(((COALESCE(public.tl_json_values(properties, 'strict $.**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text) || ' '::text) || COALESCE(public.tl_json_values(context, 'strict $?(exists (@."scopes"))."scopes".**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text)))), '~'::text)) STORED,
    CONSTRAINT events_p20261205_day CHECK (((day >= 20792) AND (day < 20793)))
);

--
-- Name: events_p20261206; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.events_p20261206 (
    id bigint NOT NULL,
    day integer NOT NULL,
    ts bigint NOT NULL,
    level smallint NOT NULL,
    category text,
    message text NOT NULL,
    template text,
    exception text,
    properties text,
    context text,
    app text,
    version text,
    user_name text,
    machine text,
    path text,
    instance_id text,
    sequence bigint,
    received bigint NOT NULL,
    trace_id text,
    search tsvector GENERATED ALWAYS AS (ts_delete(((((public.tl_words(message) || '''~'':1'::tsvector) || public.tl_words(public.tl_json_strings(exception))) || '''~'':1'::tsvector) || public.tl_words(((COALESCE(public.tl_json_values(properties, 'strict $.**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text) || ' '::text) || COALESCE(public.tl_json_values(context, 'strict $?(exists (@."scopes"))."scopes".**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text)))), '~'::text)) STORED,
    CONSTRAINT events_p20261206_day CHECK (((day >= 20793) AND (day < 20794)))
);

--
-- Name: events_p20261207; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.events_p20261207 (
    id bigint NOT NULL,
    day integer NOT NULL,
    ts bigint NOT NULL,
    level smallint NOT NULL,
    category text,
    message text NOT NULL,
    template text,
    exception text,
    properties text,
    context text,
    app text,
    version text,
    user_name text,
    machine text,
    path text,
    instance_id text,
    sequence bigint,
    received bigint NOT NULL,
    trace_id text,
    search tsvector GENERATED ALWAYS AS (ts_delete(((((public.tl_words(message) || '''~'':1'::tsvector) || public.tl_words(public.tl_json_strings(exception))) || '''~'':1'::tsvector) || public.tl_words(((COALESCE(public.tl_json_values(properties, 'strict $.**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text) || ' '::text) || COALESCE(public.tl_json_values(context, 'strict $?(exists (@."scopes"))."scopes".**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text)))), '~'::text)) STORED,
    CONSTRAINT events_p20261207_day CHECK (((day >= 20794) AND (day < 20795)))
);

--
-- Name: events_p20261208; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.events_p20261208 (
    id bigint NOT NULL,
    day integer NOT NULL,
    ts bigint NOT NULL,
    level smallint NOT NULL,
    category text,
    message text NOT NULL,
    template text,
    exception text,
    properties text,
    context text,
    app text,
    version text,
    user_name text,
    machine text,
    path text,
    instance_id text,
    sequence bigint,
    received bigint NOT NULL,
    trace_id text,
    search tsvector GENERATED ALWAYS AS (ts_delete(((((public.tl_words(message) || '''~'':1'::tsvector) || public.tl_words(public.tl_json_strings(exception))) || '''~'':1'::tsvector) || public.tl_words(((COALESCE(public.tl_json_values(properties, 'strict $.**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text) || ' '::text) || COALESCE(public.tl_json_values(context, 'strict $?(exists (@."scopes"))."scopes".**?(@.type() == "string" || @.type() == "number")'::jsonpath), ''::text)))), '~'::text)) STORED,
    CONSTRAINT events_p20261208_day CHECK (((day >= 20795) AND (day < 20796)))
);

--
-- Name: level_audit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.level_audit (
    id bigint NOT NULL,
    rule_id bigint NOT NULL,
    action text NOT NULL,
    by_key text NOT NULL,
    at bigint NOT NULL,
    rule text NOT NULL
);

--
-- Name: level_audit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.level_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: level_audit_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.level_audit_id_seq OWNED BY public.level_audit.id;

--
-- Name: level_rules; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.level_rules (
    id bigint NOT NULL,
    app text,
    version text,
    user_name text,
    machine text,
    category text,
    level smallint NOT NULL,
    expires bigint NOT NULL,
    created_by text NOT NULL,
    created bigint NOT NULL,
    rule text NOT NULL
);

--
-- Name: level_rules_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.level_rules_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: level_rules_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.level_rules_id_seq OWNED BY public.level_rules.id;

--
-- Name: sqs_poison; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sqs_poison (
    id bigint NOT NULL,
    queue text NOT NULL,
    message_id text NOT NULL,
    dedupe_id text,
    format text,
    receive_count integer NOT NULL,
    reason text NOT NULL,
    moved_at timestamp with time zone NOT NULL,
    body text NOT NULL
);

--
-- Name: sqs_poison_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.sqs_poison_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: sqs_poison_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.sqs_poison_id_seq OWNED BY public.sqs_poison.id;

--
-- Name: tl_schema; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tl_schema (
    version integer NOT NULL
);

--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    user_name text NOT NULL,
    first_seen bigint NOT NULL,
    last_seen bigint NOT NULL,
    last_app text,
    last_machine text,
    total bigint NOT NULL,
    n0 bigint NOT NULL,
    n1 bigint NOT NULL,
    n2 bigint NOT NULL,
    n3 bigint NOT NULL,
    n4 bigint NOT NULL,
    n5 bigint NOT NULL,
    last_error_id bigint,
    last_error_ts bigint
);

--
-- Name: events_p20261205; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events ATTACH PARTITION public.events_p20261205 FOR VALUES FROM (20792) TO (20793);

--
-- Name: events_p20261206; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events ATTACH PARTITION public.events_p20261206 FOR VALUES FROM (20793) TO (20794);

--
-- Name: events_p20261207; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events ATTACH PARTITION public.events_p20261207 FOR VALUES FROM (20794) TO (20795);

--
-- Name: events_p20261208; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events ATTACH PARTITION public.events_p20261208 FOR VALUES FROM (20795) TO (20796);

--
-- Name: level_audit id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.level_audit ALTER COLUMN id SET DEFAULT nextval('public.level_audit_id_seq'::regclass);

--
-- Name: level_rules id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.level_rules ALTER COLUMN id SET DEFAULT nextval('public.level_rules_id_seq'::regclass);

--
-- Name: sqs_poison id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sqs_poison ALTER COLUMN id SET DEFAULT nextval('public.sqs_poison_id_seq'::regclass);

--
-- Data for Name: alert_state; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.alert_state (rule, query, notified_to, pending_from, quiet_until, last_fired_from, last_fired_count) FROM stdin;
\.

--
-- Data for Name: batches; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.batches (batch_key, accepted, received) FROM stdin;
e48e5080d485503f996afaae3c5aaac7	20	639321143329185937
0430bead49125ba9b8a92cc82a887cd9	20	639321143371918672
1c45256187d655b79a6b39269c2d50f1	20	639321143374794677
d51af868d5005a8890e723adaefe2ebe	20	639321143375834525
c0aad4d7cd725a0185ad781e7045f5bc	20	639321143377224637
22ccfc8226f1510cbbe294f394725bd4	20	639321143379578658
72b185efc6d55957ad43f40eddcca425	5	639321143383506539
\.

--
-- Data for Name: events_p20261205; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.events_p20261205 (id, day, ts, level, category, message, template, exception, properties, context, app, version, user_name, machine, path, instance_id, sequence, received, trace_id) FROM stdin;
1883775172608000001	20792	639321048000000000	0	Billing.Run	timeout number 0 for order 48151600	\N	\N	\N	{"scopes":["RequestId:abc", {"CorrelationId": "c-0"}],"traceId":"a0000000000000000000000000000000","spanId":"00f067aa0ba902b7"}	Shop	1.0	carol	web-1	billing	bcb5ce4-inst-0	1	639321143329185937	a0000000000000000000000000000000
1883775203016704002	20792	639321048290000000	1	Shop.Orders	invoice number 1 for order 48151601	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 1, "OrderId": 48151601, "Order": {"Id": 1, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	2	639321143329185937	\N
1883775233425408003	20792	639321048580000000	2	Shop.Orders	payment number 2 for order 48151602	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 2, "OrderId": 48151602, "Order": {"Id": 2, "Customer": {"Name": "Bob"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	3	639321143329185937	\N
1883775263834112004	20792	639321048870000000	3	Shop.Orders	timeout number 3 for order 48151603	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 3, "OrderId": 48151603, "Order": {"Id": 3, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	4	639321143329185937	\N
1883775294242816005	20792	639321049160000000	4	Billing.Run	invoice number 4 for order 48151604	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 4 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 4 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 4, "OrderId": 48151604, "Order": {"Id": 4, "Customer": {"Name": "Bob"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	5	639321143329185937	\N
1883775324651520006	20792	639321049450000000	5	Shop.Orders	payment number 5 for order 48151605	\N	{"type": "System.InvalidOperationException", "message": "rate 5 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 5 missing\\n   at Shop.Orders.Place()"}	\N	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	6	639321143329185937	\N
1883775355060224007	20792	639321049740000000	0	Shop.Orders	timeout number 6 for order 48151606	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 6, "OrderId": 48151606, "Order": {"Id": 6, "Customer": {"Name": "Bob"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	7	639321143329185937	\N
1883775385468928008	20792	639321050030000000	1	Shop.Orders	invoice number 7 for order 48151607	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 7, "OrderId": 48151607, "Order": {"Id": 7, "Customer": {"Name": "Zo\\u00eb"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-7"}],"traceId":"a0000000000000000000000000000007","spanId":"00f067aa0ba902b7"}	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	8	639321143329185937	a0000000000000000000000000000007
1883775415877632009	20792	639321050320000000	2	Billing.Run	payment number 8 for order 48151608	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 8, "OrderId": 48151608, "Order": {"Id": 8, "Customer": {"Name": "Bob"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	9	639321143329185937	\N
1883775446286336010	20792	639321050610000000	3	Shop.Orders	timeout number 9 for order 48151609	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 9, "OrderId": 48151609, "Order": {"Id": 9, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	1.0	carol	web-1	billing	bcb5ce4-inst-0	10	639321143329185937	\N
1883775476695040011	20792	639321050900000000	4	Shop.Orders	invoice number 10 for order 48151610	\N	{"type": "System.InvalidOperationException", "message": "rate 10 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 10 missing\\n   at Shop.Orders.Place()"}	\N	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	11	639321143329185937	\N
1883775507103744012	20792	639321051190000000	5	Shop.Orders	payment number 11 for order 48151611	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 11 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 11 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 11, "OrderId": 48151611, "Order": {"Id": 11, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	12	639321143329185937	\N
1883775537512448013	20792	639321051480000000	0	Billing.Run	timeout number 12 for order 48151612	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 12, "OrderId": 48151612, "Order": {"Id": 12, "Customer": {"Name": "Bob"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	13	639321143329185937	\N
1883775567921152014	20792	639321051770000000	1	Shop.Orders	invoice number 13 for order 48151613	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 13, "OrderId": 48151613, "Order": {"Id": 13, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	14	639321143329185937	\N
1883775598329856015	20792	639321052060000000	2	Shop.Orders	payment number 14 for order 48151614	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 14, "OrderId": 48151614, "Order": {"Id": 14, "Customer": {"Name": "Bob"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-14"}],"traceId":"a000000000000000000000000000000e","spanId":"00f067aa0ba902b7"}	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	15	639321143329185937	a000000000000000000000000000000e
1883775628738560016	20792	639321052350000000	3	Shop.Orders	timeout number 15 for order 48151615	\N	\N	\N	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	16	639321143329185937	\N
1883775659147264017	20792	639321052640000000	4	Billing.Run	invoice number 16 for order 48151616	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 16 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 16 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 16, "OrderId": 48151616, "Order": {"Id": 16, "Customer": {"Name": "Bob"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	17	639321143329185937	\N
1883775689555968018	20792	639321052930000000	5	Shop.Orders	payment number 17 for order 48151617	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 17 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 17 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 17, "OrderId": 48151617, "Order": {"Id": 17, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	18	639321143329185937	\N
1883775719964672019	20792	639321053220000000	0	Shop.Orders	timeout number 18 for order 48151618	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 18, "OrderId": 48151618, "Order": {"Id": 18, "Customer": {"Name": "Bob"}}}	\N	Shop	1.0	carol	web-1	billing	bcb5ce4-inst-0	19	639321143329185937	\N
1883775750373376020	20792	639321053510000000	1	Shop.Orders	invoice number 19 for order 48151619	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 19, "OrderId": 48151619, "Order": {"Id": 19, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	1.0	Alice	web-1	billing	bcb5ce4-inst-0	20	639321143329185937	\N
1883775780782080065	20792	639321053800000000	2	Billing.Run	payment number 20 for order 48151620	\N	\N	\N	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	21	639321143371918672	\N
1883775811190784066	20792	639321054090000000	3	Shop.Orders	timeout number 21 for order 48151621	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 21, "OrderId": 48151621, "Order": {"Id": 21, "Customer": {"Name": "Zo\\u00eb"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-21"}],"traceId":"a0000000000000000000000000000015","spanId":"00f067aa0ba902b7"}	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	22	639321143371918672	a0000000000000000000000000000015
1883775841599488067	20792	639321054380000000	4	Shop.Orders	invoice number 22 for order 48151622	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 22 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 22 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 22, "OrderId": 48151622, "Order": {"Id": 22, "Customer": {"Name": "Bob"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	23	639321143371918672	\N
1883775872008192068	20792	639321054670000000	5	Shop.Orders	payment number 23 for order 48151623	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 23 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 23 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 23, "OrderId": 48151623, "Order": {"Id": 23, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	24	639321143371918672	\N
1883775902416896069	20792	639321054960000000	0	Billing.Run	timeout number 24 for order 48151624	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 24, "OrderId": 48151624, "Order": {"Id": 24, "Customer": {"Name": "Bob"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	25	639321143371918672	\N
1883775932825600070	20792	639321055250000000	1	Shop.Orders	invoice number 25 for order 48151625	\N	\N	\N	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	26	639321143371918672	\N
1883775963234304071	20792	639321055540000000	2	Shop.Orders	payment number 26 for order 48151626	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 26, "OrderId": 48151626, "Order": {"Id": 26, "Customer": {"Name": "Bob"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	27	639321143371918672	\N
1883775993643008072	20792	639321055830000000	3	Shop.Orders	timeout number 27 for order 48151627	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 27, "OrderId": 48151627, "Order": {"Id": 27, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	2.0+6d3d4d2c	carol	web-2	shop/orders	bcb5ce4-inst-1	28	639321143371918672	\N
1883776024051712073	20792	639321056120000000	4	Billing.Run	invoice number 28 for order 48151628	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 28 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 28 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 28, "OrderId": 48151628, "Order": {"Id": 28, "Customer": {"Name": "Bob"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-28"}],"traceId":"a000000000000000000000000000001c","spanId":"00f067aa0ba902b7"}	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	29	639321143371918672	a000000000000000000000000000001c
1883777757347840262	20792	639321072650000000	1	Shop.Orders	invoice number 85 for order 48151685	\N	\N	\N	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	86	639321143377224637	\N
1883776054460416074	20792	639321056410000000	5	Shop.Orders	payment number 29 for order 48151629	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 29 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 29 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 29, "OrderId": 48151629, "Order": {"Id": 29, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	30	639321143371918672	\N
1883776084869120075	20792	639321056700000000	0	Shop.Orders	timeout number 30 for order 48151630	\N	\N	\N	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	31	639321143371918672	\N
1883776115277824076	20792	639321056990000000	1	Shop.Orders	invoice number 31 for order 48151631	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 31, "OrderId": 48151631, "Order": {"Id": 31, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	32	639321143371918672	\N
1883776145686528077	20792	639321057280000000	2	Billing.Run	payment number 32 for order 48151632	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 32, "OrderId": 48151632, "Order": {"Id": 32, "Customer": {"Name": "Bob"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	33	639321143371918672	\N
1883776176095232078	20792	639321057570000000	3	Shop.Orders	timeout number 33 for order 48151633	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 33, "OrderId": 48151633, "Order": {"Id": 33, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	34	639321143371918672	\N
1883776206503936079	20792	639321057860000000	4	Shop.Orders	invoice number 34 for order 48151634	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 34 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 34 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 34, "OrderId": 48151634, "Order": {"Id": 34, "Customer": {"Name": "Bob"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	35	639321143371918672	\N
1883776236912640080	20792	639321058150000000	5	Shop.Orders	payment number 35 for order 48151635	\N	{"type": "System.InvalidOperationException", "message": "rate 35 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 35 missing\\n   at Shop.Orders.Place()"}	\N	{"scopes":["RequestId:abc", {"CorrelationId": "c-35"}],"traceId":"a0000000000000000000000000000023","spanId":"00f067aa0ba902b7"}	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	36	639321143371918672	a0000000000000000000000000000023
1883776267321344081	20792	639321058440000000	0	Billing.Run	timeout number 36 for order 48151636	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 36, "OrderId": 48151636, "Order": {"Id": 36, "Customer": {"Name": "Bob"}}}	\N	shop	2.0+6d3d4d2c	carol	web-2	shop/orders	bcb5ce4-inst-1	37	639321143371918672	\N
1883776297730048082	20792	639321058730000000	1	Shop.Orders	invoice number 37 for order 48151637	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 37, "OrderId": 48151637, "Order": {"Id": 37, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	38	639321143371918672	\N
1883776328138752083	20792	639321059020000000	2	Shop.Orders	payment number 38 for order 48151638	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 38, "OrderId": 48151638, "Order": {"Id": 38, "Customer": {"Name": "Bob"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	39	639321143371918672	\N
1883776358547456084	20792	639321059310000000	3	Shop.Orders	timeout number 39 for order 48151639	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 39, "OrderId": 48151639, "Order": {"Id": 39, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	2.0+6d3d4d2c	alice	web-2	shop/orders	bcb5ce4-inst-1	40	639321143371918672	\N
1883776388956160129	20792	639321059600000000	4	Billing.Run	invoice number 40 for order 48151640	\N	{"type": "System.InvalidOperationException", "message": "rate 40 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 40 missing\\n   at Shop.Orders.Place()"}	\N	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	41	639321143374794677	\N
1883776419364864130	20792	639321059890000000	5	Shop.Orders	payment number 41 for order 48151641	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 41 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 41 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 41, "OrderId": 48151641, "Order": {"Id": 41, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	42	639321143374794677	\N
1883776449773568131	20792	639321060180000000	0	Shop.Orders	timeout number 42 for order 48151642	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 42, "OrderId": 48151642, "Order": {"Id": 42, "Customer": {"Name": "Bob"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-42"}],"traceId":"a000000000000000000000000000002a","spanId":"00f067aa0ba902b7"}	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	43	639321143374794677	a000000000000000000000000000002a
1883776480182272132	20792	639321060470000000	1	Shop.Orders	invoice number 43 for order 48151643	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 43, "OrderId": 48151643, "Order": {"Id": 43, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	44	639321143374794677	\N
1883776510590976133	20792	639321060760000000	2	Billing.Run	payment number 44 for order 48151644	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 44, "OrderId": 48151644, "Order": {"Id": 44, "Customer": {"Name": "Bob"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	45	639321143374794677	\N
1883776540999680134	20792	639321061050000000	3	Shop.Orders	timeout number 45 for order 48151645	\N	\N	\N	\N	Billing	1.0	carol	web-1	billing	bcb5ce4-inst-0	46	639321143374794677	\N
1883776571408384135	20792	639321061340000000	4	Shop.Orders	invoice number 46 for order 48151646	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 46 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 46 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 46, "OrderId": 48151646, "Order": {"Id": 46, "Customer": {"Name": "Bob"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	47	639321143374794677	\N
1883776601817088136	20792	639321061630000000	5	Shop.Orders	payment number 47 for order 48151647	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 47 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 47 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 47, "OrderId": 48151647, "Order": {"Id": 47, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	48	639321143374794677	\N
1883776632225792137	20792	639321061920000000	0	Billing.Run	timeout number 48 for order 48151648	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 48, "OrderId": 48151648, "Order": {"Id": 48, "Customer": {"Name": "Bob"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	49	639321143374794677	\N
1883776662634496138	20792	639321062210000000	1	Shop.Orders	invoice number 49 for order 48151649	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 49, "OrderId": 48151649, "Order": {"Id": 49, "Customer": {"Name": "Zo\\u00eb"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-49"}],"traceId":"a0000000000000000000000000000031","spanId":"00f067aa0ba902b7"}	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	50	639321143374794677	a0000000000000000000000000000031
1883776693043200139	20792	639321062500000000	2	Shop.Orders	payment number 50 for order 48151650	\N	\N	\N	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	51	639321143374794677	\N
1883776723451904140	20792	639321062790000000	3	Shop.Orders	timeout number 51 for order 48151651	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 51, "OrderId": 48151651, "Order": {"Id": 51, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	52	639321143374794677	\N
1883776753860608141	20792	639321063080000000	4	Billing.Run	invoice number 52 for order 48151652	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 52 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 52 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 52, "OrderId": 48151652, "Order": {"Id": 52, "Customer": {"Name": "Bob"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	53	639321143374794677	\N
1883776784269312142	20792	639321063370000000	5	Shop.Orders	payment number 53 for order 48151653	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 53 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 53 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 53, "OrderId": 48151653, "Order": {"Id": 53, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	54	639321143374794677	\N
1883776814678016143	20792	639321063660000000	0	Shop.Orders	timeout number 54 for order 48151654	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 54, "OrderId": 48151654, "Order": {"Id": 54, "Customer": {"Name": "Bob"}}}	\N	Billing	1.0	carol	web-1	billing	bcb5ce4-inst-0	55	639321143374794677	\N
1883776845086720144	20792	639321063950000000	1	Shop.Orders	invoice number 55 for order 48151655	\N	\N	\N	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	56	639321143374794677	\N
1883776875495424145	20792	639321064240000000	2	Billing.Run	payment number 56 for order 48151656	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 56, "OrderId": 48151656, "Order": {"Id": 56, "Customer": {"Name": "Bob"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-56"}],"traceId":"a0000000000000000000000000000038","spanId":"00f067aa0ba902b7"}	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	57	639321143374794677	a0000000000000000000000000000038
1883776905904128146	20792	639321064530000000	3	Shop.Orders	timeout number 57 for order 48151657	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 57, "OrderId": 48151657, "Order": {"Id": 57, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	58	639321143374794677	\N
1883776936312832147	20792	639321064820000000	4	Shop.Orders	invoice number 58 for order 48151658	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 58 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 58 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 58, "OrderId": 48151658, "Order": {"Id": 58, "Customer": {"Name": "Bob"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	59	639321143374794677	\N
1883776966721536148	20792	639321065110000000	5	Shop.Orders	payment number 59 for order 48151659	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 59 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 59 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 59, "OrderId": 48151659, "Order": {"Id": 59, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	1.0	Bob	web-1	billing	bcb5ce4-inst-0	60	639321143374794677	\N
1883776997130240193	20792	639321065400000000	0	Billing.Run	timeout number 60 for order 48151660	\N	\N	\N	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	61	639321143375834525	\N
1883777027538944194	20792	639321065690000000	1	Shop.Orders	invoice number 61 for order 48151661	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 61, "OrderId": 48151661, "Order": {"Id": 61, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	62	639321143375834525	\N
1883777057947648195	20792	639321065980000000	2	Shop.Orders	payment number 62 for order 48151662	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 62, "OrderId": 48151662, "Order": {"Id": 62, "Customer": {"Name": "Bob"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	63	639321143375834525	\N
1883777088356352196	20792	639321066270000000	3	Shop.Orders	timeout number 63 for order 48151663	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 63, "OrderId": 48151663, "Order": {"Id": 63, "Customer": {"Name": "Zo\\u00eb"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-63"}],"traceId":"a000000000000000000000000000003f","spanId":"00f067aa0ba902b7"}	Shop	2.0+6d3d4d2c	carol	web-2	shop/orders	bcb5ce4-inst-1	64	639321143375834525	a000000000000000000000000000003f
1883777118765056197	20792	639321066560000000	4	Billing.Run	invoice number 64 for order 48151664	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 64 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 64 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 64, "OrderId": 48151664, "Order": {"Id": 64, "Customer": {"Name": "Bob"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	65	639321143375834525	\N
1883777149173760198	20792	639321066850000000	5	Shop.Orders	payment number 65 for order 48151665	\N	{"type": "System.InvalidOperationException", "message": "rate 65 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 65 missing\\n   at Shop.Orders.Place()"}	\N	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	66	639321143375834525	\N
1883777179582464199	20792	639321067140000000	0	Shop.Orders	timeout number 66 for order 48151666	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 66, "OrderId": 48151666, "Order": {"Id": 66, "Customer": {"Name": "Bob"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	67	639321143375834525	\N
1883777209991168200	20792	639321067430000000	1	Shop.Orders	invoice number 67 for order 48151667	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 67, "OrderId": 48151667, "Order": {"Id": 67, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	68	639321143375834525	\N
1883777240399872201	20792	639321067720000000	2	Billing.Run	payment number 68 for order 48151668	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 68, "OrderId": 48151668, "Order": {"Id": 68, "Customer": {"Name": "Bob"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	69	639321143375834525	\N
1883777270808576202	20792	639321068010000000	3	Shop.Orders	timeout number 69 for order 48151669	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 69, "OrderId": 48151669, "Order": {"Id": 69, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	70	639321143375834525	\N
1883777301217280203	20792	639321068300000000	4	Shop.Orders	invoice number 70 for order 48151670	\N	{"type": "System.InvalidOperationException", "message": "rate 70 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 70 missing\\n   at Shop.Orders.Place()"}	\N	{"scopes":["RequestId:abc", {"CorrelationId": "c-70"}],"traceId":"a0000000000000000000000000000046","spanId":"00f067aa0ba902b7"}	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	71	639321143375834525	a0000000000000000000000000000046
1883777787756544263	20792	639321072940000000	2	Shop.Orders	payment number 86 for order 48151686	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 86, "OrderId": 48151686, "Order": {"Id": 86, "Customer": {"Name": "Bob"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	87	639321143377224637	\N
1883777331625984204	20792	639321068590000000	5	Shop.Orders	payment number 71 for order 48151671	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 71 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 71 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 71, "OrderId": 48151671, "Order": {"Id": 71, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	72	639321143375834525	\N
1883777362034688205	20792	639321068880000000	0	Billing.Run	timeout number 72 for order 48151672	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 72, "OrderId": 48151672, "Order": {"Id": 72, "Customer": {"Name": "Bob"}}}	\N	Shop	2.0+6d3d4d2c	carol	web-2	shop/orders	bcb5ce4-inst-1	73	639321143375834525	\N
1883777392443392206	20792	639321069170000000	1	Shop.Orders	invoice number 73 for order 48151673	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 73, "OrderId": 48151673, "Order": {"Id": 73, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	74	639321143375834525	\N
1883777422852096207	20792	639321069460000000	2	Shop.Orders	payment number 74 for order 48151674	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 74, "OrderId": 48151674, "Order": {"Id": 74, "Customer": {"Name": "Bob"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	75	639321143375834525	\N
1883777453260800208	20792	639321069750000000	3	Shop.Orders	timeout number 75 for order 48151675	\N	\N	\N	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	76	639321143375834525	\N
1883777483669504209	20792	639321070040000000	4	Billing.Run	invoice number 76 for order 48151676	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 76 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 76 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 76, "OrderId": 48151676, "Order": {"Id": 76, "Customer": {"Name": "Bob"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	77	639321143375834525	\N
1883777514078208210	20792	639321070330000000	5	Shop.Orders	payment number 77 for order 48151677	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 77 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 77 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 77, "OrderId": 48151677, "Order": {"Id": 77, "Customer": {"Name": "Zo\\u00eb"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-77"}],"traceId":"a000000000000000000000000000004d","spanId":"00f067aa0ba902b7"}	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	78	639321143375834525	a000000000000000000000000000004d
1883777544486912211	20792	639321070620000000	0	Shop.Orders	timeout number 78 for order 48151678	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 78, "OrderId": 48151678, "Order": {"Id": 78, "Customer": {"Name": "Bob"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	79	639321143375834525	\N
1883777574895616212	20792	639321070910000000	1	Shop.Orders	invoice number 79 for order 48151679	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 79, "OrderId": 48151679, "Order": {"Id": 79, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Shop	2.0+6d3d4d2c	shop	web-2	shop/orders	bcb5ce4-inst-1	80	639321143375834525	\N
1883777605304320257	20792	639321071200000000	2	Billing.Run	payment number 80 for order 48151680	\N	\N	\N	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	81	639321143377224637	\N
1883777635713024258	20792	639321071490000000	3	Shop.Orders	timeout number 81 for order 48151681	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 81, "OrderId": 48151681, "Order": {"Id": 81, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	1.0	carol	web-1	billing	bcb5ce4-inst-0	82	639321143377224637	\N
1883777666121728259	20792	639321071780000000	4	Shop.Orders	invoice number 82 for order 48151682	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 82 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 82 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 82, "OrderId": 48151682, "Order": {"Id": 82, "Customer": {"Name": "Bob"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	83	639321143377224637	\N
1883777696530432260	20792	639321072070000000	5	Shop.Orders	payment number 83 for order 48151683	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 83 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 83 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 83, "OrderId": 48151683, "Order": {"Id": 83, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	84	639321143377224637	\N
1883777726939136261	20792	639321072360000000	0	Billing.Run	timeout number 84 for order 48151684	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 84, "OrderId": 48151684, "Order": {"Id": 84, "Customer": {"Name": "Bob"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-84"}],"traceId":"a0000000000000000000000000000054","spanId":"00f067aa0ba902b7"}	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	85	639321143377224637	a0000000000000000000000000000054
1883777818165248264	20792	639321073230000000	3	Shop.Orders	timeout number 87 for order 48151687	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 87, "OrderId": 48151687, "Order": {"Id": 87, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	88	639321143377224637	\N
1883777848573952265	20792	639321073520000000	4	Billing.Run	invoice number 88 for order 48151688	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 88 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 88 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 88, "OrderId": 48151688, "Order": {"Id": 88, "Customer": {"Name": "Bob"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	89	639321143377224637	\N
1883777878982656266	20792	639321073810000000	5	Shop.Orders	payment number 89 for order 48151689	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 89 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 89 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 89, "OrderId": 48151689, "Order": {"Id": 89, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	90	639321143377224637	\N
1883777909391360267	20792	639321074100000000	0	Shop.Orders	timeout number 90 for order 48151690	\N	\N	\N	\N	shop	1.0	carol	web-1	billing	bcb5ce4-inst-0	91	639321143377224637	\N
1883777939800064268	20792	639321074390000000	1	Shop.Orders	invoice number 91 for order 48151691	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 91, "OrderId": 48151691, "Order": {"Id": 91, "Customer": {"Name": "Zo\\u00eb"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-91"}],"traceId":"a000000000000000000000000000005b","spanId":"00f067aa0ba902b7"}	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	92	639321143377224637	a000000000000000000000000000005b
1883777970208768269	20792	639321074680000000	2	Billing.Run	payment number 92 for order 48151692	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 92, "OrderId": 48151692, "Order": {"Id": 92, "Customer": {"Name": "Bob"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	93	639321143377224637	\N
1883778000617472270	20792	639321074970000000	3	Shop.Orders	timeout number 93 for order 48151693	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 93, "OrderId": 48151693, "Order": {"Id": 93, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	94	639321143377224637	\N
1883778031026176271	20792	639321075260000000	4	Shop.Orders	invoice number 94 for order 48151694	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 94 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 94 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 94, "OrderId": 48151694, "Order": {"Id": 94, "Customer": {"Name": "Bob"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	95	639321143377224637	\N
1883778061434880272	20792	639321075550000000	5	Shop.Orders	payment number 95 for order 48151695	\N	{"type": "System.InvalidOperationException", "message": "rate 95 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 95 missing\\n   at Shop.Orders.Place()"}	\N	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	96	639321143377224637	\N
1883778091843584273	20792	639321075840000000	0	Billing.Run	timeout number 96 for order 48151696	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 96, "OrderId": 48151696, "Order": {"Id": 96, "Customer": {"Name": "Bob"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	97	639321143377224637	\N
1883778122252288274	20792	639321076130000000	1	Shop.Orders	invoice number 97 for order 48151697	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 97, "OrderId": 48151697, "Order": {"Id": 97, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	98	639321143377224637	\N
1883778152660992275	20792	639321076420000000	2	Shop.Orders	payment number 98 for order 48151698	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 98, "OrderId": 48151698, "Order": {"Id": 98, "Customer": {"Name": "Bob"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-98"}],"traceId":"a0000000000000000000000000000062","spanId":"00f067aa0ba902b7"}	shop	1.0	Zoë	web-1	billing	bcb5ce4-inst-0	99	639321143377224637	a0000000000000000000000000000062
1883778183069696276	20792	639321076710000000	3	Shop.Orders	timeout number 99 for order 48151699	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 99, "OrderId": 48151699, "Order": {"Id": 99, "Customer": {"Name": "Zo\\u00eb"}}}	\N	shop	1.0	carol	web-1	billing	bcb5ce4-inst-0	100	639321143377224637	\N
1883778213478400321	20792	639321077000000000	4	Billing.Run	invoice number 100 for order 48151700	\N	{"type": "System.InvalidOperationException", "message": "rate 100 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 100 missing\\n   at Shop.Orders.Place()"}	\N	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	101	639321143379578658	\N
1883778639200256335	20792	639321081060000000	0	Shop.Orders	timeout number 114 for order 48151714	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 114, "OrderId": 48151714, "Order": {"Id": 114, "Customer": {"Name": "Bob"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	115	639321143379578658	\N
1883778243887104322	20792	639321077290000000	5	Shop.Orders	payment number 101 for order 48151701	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 101 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 101 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 101, "OrderId": 48151701, "Order": {"Id": 101, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	102	639321143379578658	\N
1883778274295808323	20792	639321077580000000	0	Shop.Orders	timeout number 102 for order 48151702	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 102, "OrderId": 48151702, "Order": {"Id": 102, "Customer": {"Name": "Bob"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	103	639321143379578658	\N
1883778304704512324	20792	639321077870000000	1	Shop.Orders	invoice number 103 for order 48151703	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 103, "OrderId": 48151703, "Order": {"Id": 103, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	104	639321143379578658	\N
1883778335113216325	20792	639321078160000000	2	Billing.Run	payment number 104 for order 48151704	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 104, "OrderId": 48151704, "Order": {"Id": 104, "Customer": {"Name": "Bob"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	105	639321143379578658	\N
1883778365521920326	20792	639321078450000000	3	Shop.Orders	timeout number 105 for order 48151705	\N	\N	\N	{"scopes":["RequestId:abc", {"CorrelationId": "c-105"}],"traceId":"a0000000000000000000000000000069","spanId":"00f067aa0ba902b7"}	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	106	639321143379578658	a0000000000000000000000000000069
1883778395930624327	20792	639321078740000000	4	Shop.Orders	invoice number 106 for order 48151706	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 106 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 106 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 106, "OrderId": 48151706, "Order": {"Id": 106, "Customer": {"Name": "Bob"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	107	639321143379578658	\N
1883778426339328328	20792	639321079030000000	5	Shop.Orders	payment number 107 for order 48151707	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 107 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 107 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 107, "OrderId": 48151707, "Order": {"Id": 107, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	108	639321143379578658	\N
1883778456748032329	20792	639321079320000000	0	Billing.Run	timeout number 108 for order 48151708	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 108, "OrderId": 48151708, "Order": {"Id": 108, "Customer": {"Name": "Bob"}}}	\N	Billing	2.0+6d3d4d2c	carol	web-2	shop/orders	bcb5ce4-inst-1	109	639321143379578658	\N
1883778487156736330	20792	639321079610000000	1	Shop.Orders	invoice number 109 for order 48151709	{Word} number {N} for order {OrderId}	\N	{"Word": "invoice", "N": 109, "OrderId": 48151709, "Order": {"Id": 109, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	110	639321143379578658	\N
1883778517565440331	20792	639321079900000000	2	Shop.Orders	payment number 110 for order 48151710	\N	\N	\N	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	111	639321143379578658	\N
1883778547974144332	20792	639321080190000000	3	Shop.Orders	timeout number 111 for order 48151711	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 111, "OrderId": 48151711, "Order": {"Id": 111, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	112	639321143379578658	\N
1883778578382848333	20792	639321080480000000	4	Billing.Run	invoice number 112 for order 48151712	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 112 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 112 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 112, "OrderId": 48151712, "Order": {"Id": 112, "Customer": {"Name": "Bob"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-112"}],"traceId":"a0000000000000000000000000000070","spanId":"00f067aa0ba902b7"}	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	113	639321143379578658	a0000000000000000000000000000070
1883778608791552334	20792	639321080770000000	5	Shop.Orders	payment number 113 for order 48151713	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 113 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 113 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 113, "OrderId": 48151713, "Order": {"Id": 113, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	114	639321143379578658	\N
1883778669608960336	20792	639321081350000000	1	Shop.Orders	invoice number 115 for order 48151715	\N	\N	\N	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	116	639321143379578658	\N
1883778700017664337	20792	639321081640000000	2	Billing.Run	payment number 116 for order 48151716	{Word} number {N} for order {OrderId}	\N	{"Word": "payment", "N": 116, "OrderId": 48151716, "Order": {"Id": 116, "Customer": {"Name": "Bob"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	117	639321143379578658	\N
1883778730426368338	20792	639321081930000000	3	Shop.Orders	timeout number 117 for order 48151717	{Word} number {N} for order {OrderId}	\N	{"Word": "timeout", "N": 117, "OrderId": 48151717, "Order": {"Id": 117, "Customer": {"Name": "Zo\\u00eb"}}}	\N	Billing	2.0+6d3d4d2c	carol	web-2	shop/orders	bcb5ce4-inst-1	118	639321143379578658	\N
1883778760835072339	20792	639321082220000000	4	Shop.Orders	invoice number 118 for order 48151718	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 118 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 118 missing\\n   at Shop.Orders.Place()"}	{"Word": "invoice", "N": 118, "OrderId": 48151718, "Order": {"Id": 118, "Customer": {"Name": "Bob"}}}	\N	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	119	639321143379578658	\N
1883778791243776340	20792	639321082510000000	5	Shop.Orders	payment number 119 for order 48151719	{Word} number {N} for order {OrderId}	{"type": "System.InvalidOperationException", "message": "rate 119 missing", "stackTrace": "   at Shop.Orders.Place()", "text": "System.InvalidOperationException: rate 119 missing\\n   at Shop.Orders.Place()"}	{"Word": "payment", "N": 119, "OrderId": 48151719, "Order": {"Id": 119, "Customer": {"Name": "Zo\\u00eb"}}}	{"scopes":["RequestId:abc", {"CorrelationId": "c-119"}],"traceId":"a0000000000000000000000000000077","spanId":"00f067aa0ba902b7"}	Billing	2.0+6d3d4d2c	Alice	web-2	shop/orders	bcb5ce4-inst-1	120	639321143379578658	a0000000000000000000000000000077
1883778318336000385	20792	639321078000000000	3	Nd.Json	ndjson line 0 slow disk	\N	\N	\N	\N	Billing	\N	dave	batch-1	nd	bcb5ce4-nd	1	639321143383506539	\N
1883778319384576386	20792	639321078010000000	3	Nd.Json	ndjson line 1 slow disk	\N	\N	\N	\N	Billing	\N	dave	batch-1	nd	bcb5ce4-nd	2	639321143383506539	\N
1883778320433152387	20792	639321078020000000	3	Nd.Json	ndjson line 2 slow disk	\N	\N	\N	\N	Billing	\N	dave	batch-1	nd	bcb5ce4-nd	3	639321143383506539	\N
1883778321481728388	20792	639321078030000000	3	Nd.Json	ndjson line 3 slow disk	\N	\N	\N	\N	Billing	\N	dave	batch-1	nd	bcb5ce4-nd	4	639321143383506539	\N
1883778322530304389	20792	639321078040000000	3	Nd.Json	ndjson line 4 slow disk	\N	\N	\N	\N	Billing	\N	dave	batch-1	nd	bcb5ce4-nd	5	639321143383506539	\N
1883778423193600449	20792	639321079000000000	1	payroll.run	Paid 0 to emp0	Paid %s to %s	\N	{"pathname":"/app/payroll.py","lineno":"9","funcName":"run"}	{"processId":77}	\N	\N	py	\N	py	\N	\N	639321143387105456	\N
1883778424242176513	20792	639321079010000000	2	payroll.run	Paid 100 to emp1	Paid 100 to emp1	\N	{"pathname":"/app/payroll.py","lineno":"9","funcName":"run"}	{"processId":77}	Payroll	12	erin	PC-042	py/erin	\N	\N	639321143387704013	\N
1883778425290752577	20792	639321079020000000	3	payroll.run	Paid 200 to emp2	Paid %s to %s	\N	{"pathname":"/app/payroll.py","lineno":"9","funcName":"run"}	{"processId":77}	\N	\N	py	\N	py	\N	\N	639321143388186793	\N
1883778426339328641	20792	639321079030000000	4	payroll.run	Paid 300 to emp3	Paid 300 to emp3	{"type":"ZeroDivisionError","message":"division by zero","text":"Traceback (most recent call last):\\n  File \\"/app/payroll.py\\", line 9, in run\\nZeroDivisionError: division by zero","excInfo":null}	{"pathname":"/app/payroll.py","lineno":"9","funcName":"run"}	{"processId":77}	Payroll	12	erin	PC-042	py/erin	\N	\N	639321143389140837	\N
1883778427387904705	20792	639321079040000000	5	payroll.run	Paid 400 to emp4	Paid %s to %s	\N	{"pathname":"/app/payroll.py","lineno":"9","funcName":"run"}	{"processId":77}	\N	\N	py	\N	py	\N	\N	639321143389603958	\N
1883778428436480769	20792	639321079050000000	2	payroll.run	Paid 500 to emp5	Paid 500 to emp5	\N	{"pathname":"/app/payroll.py","lineno":"9","funcName":"run"}	{"processId":77}	Payroll	12	erin	PC-042	py/erin	\N	\N	639321143390624753	\N
\.

--
-- Data for Name: events_p20261206; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.events_p20261206 (id, day, ts, level, category, message, template, exception, properties, context, app, version, user_name, machine, path, instance_id, sequence, received, trace_id) FROM stdin;
\.

--
-- Data for Name: events_p20261207; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.events_p20261207 (id, day, ts, level, category, message, template, exception, properties, context, app, version, user_name, machine, path, instance_id, sequence, received, trace_id) FROM stdin;
\.

--
-- Data for Name: events_p20261208; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.events_p20261208 (id, day, ts, level, category, message, template, exception, properties, context, app, version, user_name, machine, path, instance_id, sequence, received, trace_id) FROM stdin;
\.

--
-- Data for Name: level_audit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.level_audit (id, rule_id, action, by_key, at, rule) FROM stdin;
1	1	created	open (loopback, no keys)	639321143395061769	{"id":1,"app":null,"version":null,"user":"alice","machine":null,"category":null,"level":"Debug","expires":"2026-12-06T08:38:59.5061769+00:00","createdBy":"open (loopback, no keys)","created":"2026-12-06T00:38:59.5061769+00:00"}
2	2	created	open (loopback, no keys)	639321143400394494	{"id":2,"app":"Billing","version":"2.0","user":null,"machine":null,"category":"Billing.","level":"Trace","expires":"2026-12-06T20:39:00.0394494+00:00","createdBy":"open (loopback, no keys)","created":"2026-12-06T00:39:00.0394494+00:00"}
\.

--
-- Data for Name: level_rules; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.level_rules (id, app, version, user_name, machine, category, level, expires, created_by, created, rule) FROM stdin;
1	\N	\N	alice	\N	\N	1	639321431395061769	open (loopback, no keys)	639321143395061769	{"id":1,"app":null,"version":null,"user":"alice","machine":null,"category":null,"level":"Debug","expires":"2026-12-06T08:38:59.5061769+00:00","createdBy":"open (loopback, no keys)","created":"2026-12-06T00:38:59.5061769+00:00"}
2	Billing	2.0	\N	\N	Billing.	0	639321863400394494	open (loopback, no keys)	639321143400394494	{"id":2,"app":"Billing","version":"2.0","user":null,"machine":null,"category":"Billing.","level":"Trace","expires":"2026-12-06T20:39:00.0394494+00:00","createdBy":"open (loopback, no keys)","created":"2026-12-06T00:39:00.0394494+00:00"}
\.

--
-- Data for Name: sqs_poison; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.sqs_poison (id, queue, message_id, dedupe_id, format, receive_count, reason, moved_at, body) FROM stdin;
\.

--
-- Data for Name: tl_schema; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tl_schema (version) FROM stdin;
11
\.

--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.users (user_name, first_seen, last_seen, last_app, last_machine, total, n0, n1, n2, n3, n4, n5, last_error_id, last_error_ts) FROM stdin;
alice	639321053800000000	639321059310000000	shop	web-2	18	2	3	4	3	3	3	1883776236912640080	639321058150000000
Bob	639321059600000000	639321065110000000	Billing	web-1	18	2	3	3	2	4	4	1883776966721536148	639321065110000000
shop	639321065400000000	639321070910000000	Shop	web-2	18	3	4	3	2	3	3	1883777514078208210	639321070330000000
Zoë	639321071200000000	639321076420000000	shop	web-1	17	2	3	4	2	3	3	1883778061434880272	639321075550000000
Alice	639321048290000000	639321082510000000	Billing	web-2	35	4	7	6	4	7	7	1883778791243776340	639321082510000000
carol	639321048000000000	639321081930000000	Billing	web-2	14	7	0	0	7	0	0	\N	\N
dave	639321078000000000	639321078040000000	Billing	batch-1	5	0	0	0	5	0	0	\N	\N
py	639321079000000000	639321079040000000	\N	\N	3	0	1	0	1	0	1	1883778427387904705	639321079040000000
erin	639321079010000000	639321079050000000	Payroll	PC-042	3	0	0	2	0	1	0	1883778426339328641	639321079030000000
\.

--
-- Name: event_counter; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.event_counter', 832, true);

--
-- Name: level_audit_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.level_audit_id_seq', 2, true);

--
-- Name: level_rules_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.level_rules_id_seq', 2, true);

--
-- Name: sqs_poison_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.sqs_poison_id_seq', 1, false);

--
-- Name: alert_state alert_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_state
    ADD CONSTRAINT alert_state_pkey PRIMARY KEY (rule);

--
-- Name: batches batches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.batches
    ADD CONSTRAINT batches_pkey PRIMARY KEY (batch_key);

--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (day, id);

--
-- Name: events_p20261205 events_p20261205_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events_p20261205
    ADD CONSTRAINT events_p20261205_pkey PRIMARY KEY (day, id);

--
-- Name: events_p20261206 events_p20261206_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events_p20261206
    ADD CONSTRAINT events_p20261206_pkey PRIMARY KEY (day, id);

--
-- Name: events_p20261207 events_p20261207_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events_p20261207
    ADD CONSTRAINT events_p20261207_pkey PRIMARY KEY (day, id);

--
-- Name: events_p20261208 events_p20261208_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.events_p20261208
    ADD CONSTRAINT events_p20261208_pkey PRIMARY KEY (day, id);

--
-- Name: level_audit level_audit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.level_audit
    ADD CONSTRAINT level_audit_pkey PRIMARY KEY (id);

--
-- Name: level_rules level_rules_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.level_rules
    ADD CONSTRAINT level_rules_pkey PRIMARY KEY (id);

--
-- Name: sqs_poison sqs_poison_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sqs_poison
    ADD CONSTRAINT sqs_poison_pkey PRIMARY KEY (id);

--
-- Name: sqs_poison sqs_poison_queue_message_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sqs_poison
    ADD CONSTRAINT sqs_poison_queue_message_id_key UNIQUE (queue, message_id);

--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (user_name);

--
-- Name: ix_events_app; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_events_app ON ONLY public.events USING btree (app, day, id);

--
-- Name: events_p20261205_app_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261205_app_day_id_idx ON public.events_p20261205 USING btree (app, day, id);

--
-- Name: ix_events_no_user; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_events_no_user ON ONLY public.events USING btree (day, id) WHERE (user_name IS NULL);

--
-- Name: events_p20261205_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261205_day_id_idx ON public.events_p20261205 USING btree (day, id) WHERE (user_name IS NULL);

--
-- Name: ux_events_instance_sequence; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_events_instance_sequence ON ONLY public.events USING btree (instance_id, sequence, day);

--
-- Name: events_p20261205_instance_id_sequence_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX events_p20261205_instance_id_sequence_day_idx ON public.events_p20261205 USING btree (instance_id, sequence, day);

--
-- Name: ix_events_user_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_events_user_lower ON ONLY public.events USING btree (lower(user_name), day, id);

--
-- Name: events_p20261205_lower_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261205_lower_day_id_idx ON public.events_p20261205 USING btree (lower(user_name), day, id);

--
-- Name: ix_events_machine; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_events_machine ON ONLY public.events USING btree (machine, day, id);

--
-- Name: events_p20261205_machine_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261205_machine_day_id_idx ON public.events_p20261205 USING btree (machine, day, id);

--
-- Name: ix_events_path; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_events_path ON ONLY public.events USING btree (path text_pattern_ops);

--
-- Name: events_p20261205_path_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261205_path_idx ON public.events_p20261205 USING btree (path text_pattern_ops);

--
-- Name: ix_events_search; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_events_search ON ONLY public.events USING gin (search);

--
-- Name: events_p20261205_search_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261205_search_idx ON public.events_p20261205 USING gin (search);

--
-- Name: ix_events_trace; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_events_trace ON ONLY public.events USING btree (trace_id, day, id) WHERE (trace_id IS NOT NULL);

--
-- Name: events_p20261205_trace_id_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261205_trace_id_day_id_idx ON public.events_p20261205 USING btree (trace_id, day, id) WHERE (trace_id IS NOT NULL);

--
-- Name: events_p20261206_app_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261206_app_day_id_idx ON public.events_p20261206 USING btree (app, day, id);

--
-- Name: events_p20261206_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261206_day_id_idx ON public.events_p20261206 USING btree (day, id) WHERE (user_name IS NULL);

--
-- Name: events_p20261206_instance_id_sequence_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX events_p20261206_instance_id_sequence_day_idx ON public.events_p20261206 USING btree (instance_id, sequence, day);

--
-- Name: events_p20261206_lower_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261206_lower_day_id_idx ON public.events_p20261206 USING btree (lower(user_name), day, id);

--
-- Name: events_p20261206_machine_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261206_machine_day_id_idx ON public.events_p20261206 USING btree (machine, day, id);

--
-- Name: events_p20261206_path_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261206_path_idx ON public.events_p20261206 USING btree (path text_pattern_ops);

--
-- Name: events_p20261206_search_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261206_search_idx ON public.events_p20261206 USING gin (search);

--
-- Name: events_p20261206_trace_id_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261206_trace_id_day_id_idx ON public.events_p20261206 USING btree (trace_id, day, id) WHERE (trace_id IS NOT NULL);

--
-- Name: events_p20261207_app_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261207_app_day_id_idx ON public.events_p20261207 USING btree (app, day, id);

--
-- Name: events_p20261207_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261207_day_id_idx ON public.events_p20261207 USING btree (day, id) WHERE (user_name IS NULL);

--
-- Name: events_p20261207_instance_id_sequence_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX events_p20261207_instance_id_sequence_day_idx ON public.events_p20261207 USING btree (instance_id, sequence, day);

--
-- Name: events_p20261207_lower_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261207_lower_day_id_idx ON public.events_p20261207 USING btree (lower(user_name), day, id);

--
-- Name: events_p20261207_machine_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261207_machine_day_id_idx ON public.events_p20261207 USING btree (machine, day, id);

--
-- Name: events_p20261207_path_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261207_path_idx ON public.events_p20261207 USING btree (path text_pattern_ops);

--
-- Name: events_p20261207_search_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261207_search_idx ON public.events_p20261207 USING gin (search);

--
-- Name: events_p20261207_trace_id_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261207_trace_id_day_id_idx ON public.events_p20261207 USING btree (trace_id, day, id) WHERE (trace_id IS NOT NULL);

--
-- Name: events_p20261208_app_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261208_app_day_id_idx ON public.events_p20261208 USING btree (app, day, id);

--
-- Name: events_p20261208_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261208_day_id_idx ON public.events_p20261208 USING btree (day, id) WHERE (user_name IS NULL);

--
-- Name: events_p20261208_instance_id_sequence_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX events_p20261208_instance_id_sequence_day_idx ON public.events_p20261208 USING btree (instance_id, sequence, day);

--
-- Name: events_p20261208_lower_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261208_lower_day_id_idx ON public.events_p20261208 USING btree (lower(user_name), day, id);

--
-- Name: events_p20261208_machine_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261208_machine_day_id_idx ON public.events_p20261208 USING btree (machine, day, id);

--
-- Name: events_p20261208_path_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261208_path_idx ON public.events_p20261208 USING btree (path text_pattern_ops);

--
-- Name: events_p20261208_search_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261208_search_idx ON public.events_p20261208 USING gin (search);

--
-- Name: events_p20261208_trace_id_day_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX events_p20261208_trace_id_day_id_idx ON public.events_p20261208 USING btree (trace_id, day, id) WHERE (trace_id IS NOT NULL);

--
-- Name: ix_batches_received; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_batches_received ON public.batches USING btree (received);

--
-- Name: ix_level_rules_expires; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_level_rules_expires ON public.level_rules USING btree (expires);

--
-- Name: ix_users_last_error; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_users_last_error ON public.users USING btree (COALESCE(last_error_ts, ('-1'::integer)::bigint), user_name COLLATE "C");

--
-- Name: ix_users_last_seen; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_users_last_seen ON public.users USING btree (last_seen);

--
-- Name: ix_users_last_seen_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_users_last_seen_name ON public.users USING btree (last_seen, user_name COLLATE "C");

--
-- Name: ix_users_lower; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_users_lower ON public.users USING btree (lower(user_name) text_pattern_ops);

--
-- Name: events_p20261205_app_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_app ATTACH PARTITION public.events_p20261205_app_day_id_idx;

--
-- Name: events_p20261205_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_no_user ATTACH PARTITION public.events_p20261205_day_id_idx;

--
-- Name: events_p20261205_instance_id_sequence_day_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ux_events_instance_sequence ATTACH PARTITION public.events_p20261205_instance_id_sequence_day_idx;

--
-- Name: events_p20261205_lower_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_user_lower ATTACH PARTITION public.events_p20261205_lower_day_id_idx;

--
-- Name: events_p20261205_machine_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_machine ATTACH PARTITION public.events_p20261205_machine_day_id_idx;

--
-- Name: events_p20261205_path_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_path ATTACH PARTITION public.events_p20261205_path_idx;

--
-- Name: events_p20261205_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.events_pkey ATTACH PARTITION public.events_p20261205_pkey;

--
-- Name: events_p20261205_search_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_search ATTACH PARTITION public.events_p20261205_search_idx;

--
-- Name: events_p20261205_trace_id_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_trace ATTACH PARTITION public.events_p20261205_trace_id_day_id_idx;

--
-- Name: events_p20261206_app_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_app ATTACH PARTITION public.events_p20261206_app_day_id_idx;

--
-- Name: events_p20261206_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_no_user ATTACH PARTITION public.events_p20261206_day_id_idx;

--
-- Name: events_p20261206_instance_id_sequence_day_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ux_events_instance_sequence ATTACH PARTITION public.events_p20261206_instance_id_sequence_day_idx;

--
-- Name: events_p20261206_lower_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_user_lower ATTACH PARTITION public.events_p20261206_lower_day_id_idx;

--
-- Name: events_p20261206_machine_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_machine ATTACH PARTITION public.events_p20261206_machine_day_id_idx;

--
-- Name: events_p20261206_path_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_path ATTACH PARTITION public.events_p20261206_path_idx;

--
-- Name: events_p20261206_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.events_pkey ATTACH PARTITION public.events_p20261206_pkey;

--
-- Name: events_p20261206_search_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_search ATTACH PARTITION public.events_p20261206_search_idx;

--
-- Name: events_p20261206_trace_id_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_trace ATTACH PARTITION public.events_p20261206_trace_id_day_id_idx;

--
-- Name: events_p20261207_app_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_app ATTACH PARTITION public.events_p20261207_app_day_id_idx;

--
-- Name: events_p20261207_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_no_user ATTACH PARTITION public.events_p20261207_day_id_idx;

--
-- Name: events_p20261207_instance_id_sequence_day_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ux_events_instance_sequence ATTACH PARTITION public.events_p20261207_instance_id_sequence_day_idx;

--
-- Name: events_p20261207_lower_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_user_lower ATTACH PARTITION public.events_p20261207_lower_day_id_idx;

--
-- Name: events_p20261207_machine_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_machine ATTACH PARTITION public.events_p20261207_machine_day_id_idx;

--
-- Name: events_p20261207_path_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_path ATTACH PARTITION public.events_p20261207_path_idx;

--
-- Name: events_p20261207_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.events_pkey ATTACH PARTITION public.events_p20261207_pkey;

--
-- Name: events_p20261207_search_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_search ATTACH PARTITION public.events_p20261207_search_idx;

--
-- Name: events_p20261207_trace_id_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_trace ATTACH PARTITION public.events_p20261207_trace_id_day_id_idx;

--
-- Name: events_p20261208_app_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_app ATTACH PARTITION public.events_p20261208_app_day_id_idx;

--
-- Name: events_p20261208_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_no_user ATTACH PARTITION public.events_p20261208_day_id_idx;

--
-- Name: events_p20261208_instance_id_sequence_day_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ux_events_instance_sequence ATTACH PARTITION public.events_p20261208_instance_id_sequence_day_idx;

--
-- Name: events_p20261208_lower_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_user_lower ATTACH PARTITION public.events_p20261208_lower_day_id_idx;

--
-- Name: events_p20261208_machine_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_machine ATTACH PARTITION public.events_p20261208_machine_day_id_idx;

--
-- Name: events_p20261208_path_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_path ATTACH PARTITION public.events_p20261208_path_idx;

--
-- Name: events_p20261208_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.events_pkey ATTACH PARTITION public.events_p20261208_pkey;

--
-- Name: events_p20261208_search_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_search ATTACH PARTITION public.events_p20261208_search_idx;

--
-- Name: events_p20261208_trace_id_day_id_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.ix_events_trace ATTACH PARTITION public.events_p20261208_trace_id_day_id_idx;

--
-- PostgreSQL database dump complete
--

\unrestrict lpodrBEVdUAXmiOhq8Pk0rtEgiCzFilzi9m6jhgIcA9rqldWIvpl3AxZhv03ABM

